using System.Data;
using System.Data.Common;
using System.Globalization;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// The column an incremental source follows, as the query's result has it: its name as the database spells it, and the
/// type a cursor is converted to before it goes to the database as a parameter.
/// </summary>
internal sealed class IncrementalColumn
{
    /// <summary>The longest column name accepted.</summary>
    public const int MaxNameLength = 128;

    // How many of the result's columns an error lists.
    private const int MaxListed = 50;

    private readonly DatabaseProvider _provider;

    private IncrementalColumn(DatabaseProvider provider, int ordinal, string name, string dataTypeName, FieldKind kind)
    {
        _provider = provider;
        Ordinal = ordinal;
        Name = name;
        DataTypeName = dataTypeName;
        Kind = kind;
    }

    public int Ordinal { get; }

    /// <summary>The name as the result spells it, which is what the database matches once it is quoted.</summary>
    public string Name { get; }

    public string DataTypeName { get; }

    public FieldKind Kind { get; }

    /// <summary>Why <paramref name="name"/> cannot name the column, or null: it is quoted into SQL, so only letters, digits and <c>_</c>.</summary>
    public static string? CheckName(string name)
    {
        if (name.Length > MaxNameLength)
        {
            return $"database.incremental.column is longer than {MaxNameLength} characters.";
        }

        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return $"database.incremental.column '{name}' may hold only letters, digits and '_': the character '{c}' is not allowed.";
            }
        }

        return null;
    }

    /// <summary>
    /// The column of <paramref name="result"/> (the query run for its shape) named <paramref name="wanted"/>, ignoring
    /// case when the spelling differs; throws naming the result's columns when there is none, or more than one.
    /// </summary>
    public static IncrementalColumn Find(DbDataReader result, string wanted, DatabaseProvider provider)
    {
        var names = new string[result.FieldCount];
        int? exact = null;
        int? other = null;
        int exactCount = 0, otherCount = 0;
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = result.GetName(i);
            if (string.Equals(names[i], wanted, StringComparison.Ordinal))
            {
                exact ??= i;
                exactCount++;
            }
            else if (string.Equals(names[i], wanted, StringComparison.OrdinalIgnoreCase))
            {
                other ??= i;
                otherCount++;
            }
        }

        if (exactCount + otherCount == 0)
        {
            var listed = string.Join(", ", names.Take(MaxListed)) + (names.Length > MaxListed ? $", ... ({names.Length} in all)" : string.Empty);
            throw new DatabaseFetchException($"The incremental column '{wanted}' is not in the result of the {provider.Name} query. Its columns: {listed}.");
        }

        if (exactCount > 1 || (exactCount == 0 && otherCount > 1))
        {
            var same = string.Join(", ", names.Where(n => string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase)));
            throw new DatabaseFetchException($"The incremental column '{wanted}' is more than one column of the result of the {provider.Name} query ({same}): give the one to follow a name of its own in the query.");
        }

        var ordinal = exact ?? other!.Value;
        var dataTypeName = result.GetDataTypeName(ordinal);
        var kind = FieldValue.KindOf(result.GetFieldType(ordinal), dataTypeName);
        if (kind is FieldKind.Boolean || (kind is FieldKind.Other && !provider.TypesPerValue))
        {
            throw new DatabaseFetchException($"The incremental column '{names[ordinal]}' of the {provider.Name} query is of type {dataTypeName}, which a cursor cannot follow: use a column that grows, such as an id, a number, a timestamp or text.");
        }

        return new IncrementalColumn(provider, ordinal, names[ordinal], dataTypeName, kind);
    }

    /// <summary>
    /// Adds the last cursor as the parameter <paramref name="name"/>, converted to the column's type; throws when it does
    /// not read as one.
    /// </summary>
    public void AddCursor(DbCommand command, string name, string cursor)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        try
        {
            Bind(parameter, cursor);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new DatabaseFetchException($"The last cursor '{cursor}' cannot be read as a value of the incremental column '{Name}' ({DataTypeName}) of the {_provider.Name} query: {e.Message} Has the column's type changed? A run without the last cursor fetches everything again.");
        }

        command.Parameters.Add(parameter);
    }

    private void Bind(DbParameter parameter, string cursor)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (_provider.TypesPerValue)
        {
            // A SQLite column declares a type at most, and a column of an expression not even that: a cursor that reads
            // as the declared type goes as one, else as what it looks like, so that numbers still compare as numbers.
            parameter.Value = Kind switch
            {
                FieldKind.String => cursor,
                FieldKind.Double when double.TryParse(cursor, NumberStyles.Float, invariant, out var real) => real,
                _ when long.TryParse(cursor, NumberStyles.Integer, invariant, out var integer) => integer,
                _ when double.TryParse(cursor, NumberStyles.Float, invariant, out var real) => real,
                _ => cursor,
            };
            return;
        }

        // Dates and times get a database type as well: a datetime2 parameter keeps SQL Server's 100 ns (a plain
        // datetime would round to 3 ms), and a UTC value goes to PostgreSQL as timestamptz, any other as timestamp, so
        // the database compares without a time zone conversion.
        var utc = _provider.IsUtc(DataTypeName);
        var (value, type) = Kind switch
        {
            FieldKind.Byte => (byte.Parse(cursor, NumberStyles.Integer, invariant), null),
            FieldKind.Int16 => (short.Parse(cursor, NumberStyles.Integer, invariant), null),
            FieldKind.Int32 => (int.Parse(cursor, NumberStyles.Integer, invariant), null),
            FieldKind.Int64 => (long.Parse(cursor, NumberStyles.Integer, invariant), null),
            FieldKind.Decimal => (decimal.Parse(cursor, NumberStyles.Float, invariant), null),
            FieldKind.Single => (float.Parse(cursor, NumberStyles.Float, invariant), null),
            FieldKind.Double => (double.Parse(cursor, NumberStyles.Float, invariant), null),
            FieldKind.String => (cursor, null),
            FieldKind.DateTime => (Timestamp(cursor, utc), utc ? DbType.DateTimeOffset : DbType.DateTime2),
            FieldKind.Date => (DateOnly.Parse(cursor, invariant).ToDateTime(TimeOnly.MinValue), DbType.Date),
            FieldKind.Time => (TimeOnly.Parse(cursor, invariant).ToTimeSpan(), DbType.Time),
            FieldKind.TimeSpan => (TimeSpan.Parse(cursor, invariant), null),
            FieldKind.DateTimeOffset => (DateTimeOffset.Parse(cursor, invariant, DateTimeStyles.AssumeUniversal), DbType.DateTimeOffset),
            FieldKind.Guid => (Guid.Parse(cursor, invariant), null),
            FieldKind.Bytes => (Convert.FromHexString(cursor.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? cursor[2..] : cursor), DbType.Binary),
            _ => ((object)cursor, (DbType?)null),
        };
        parameter.Value = value;
        if (type is { } dbType)
        {
            parameter.DbType = dbType;
        }
    }

    /// <summary>
    /// A timestamp cursor for a column of UTC values (<paramref name="utc"/>) or of wall-clock times. Text without an
    /// offset is taken as written.
    /// </summary>
    private static DateTime Timestamp(string cursor, bool utc)
    {
        var instant = DateTimeOffset.Parse(cursor, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return utc ? instant.UtcDateTime : DateTime.SpecifyKind(instant.DateTime, DateTimeKind.Unspecified);
    }
}
