using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// The check that a SQL Server query is exactly one <c>SELECT</c> that only reads, by Microsoft's own T-SQL parser, before
/// anything is sent. SQL Server runs a command text as a batch of as many statements as it holds, and needs no
/// <c>;</c> between them (<c>select 1 commit delete from t</c> is three), so only a parse can tell.
/// </summary>
internal static class TSqlSelect
{
    /// <summary>Why <paramref name="text"/> is not one read-only select, naming line and column; null when it is.</summary>
    public static string? Check(string text)
    {
        // SqlClient sessions start with QUOTED_IDENTIFIER ON: "a" is a name there, as here.
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        var script = parser.Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            var error = errors[0];
            return $"it does not parse as T-SQL: line {error.Line}, column {error.Column}: {error.Message}";
        }

        var statements = script is TSqlScript { Batches: var batches } ? batches.SelectMany(batch => batch.Statements).ToList() : [];
        if (statements.Count != 1)
        {
            var listed = string.Join("; ", statements.Take(5).Select(s => $"{Kind(s)} at line {s.StartLine}, column {s.StartColumn}"));
            return statements.Count == 0 ? "it holds no statement." : $"it holds {statements.Count} statements ({listed}).";
        }

        var statement = statements[0];
        if (statement is not SelectStatement select)
        {
            return $"it is {Kind(statement)}, at line {statement.StartLine}, column {statement.StartColumn}.";
        }

        if (select.Into is not null)
        {
            return $"SELECT ... INTO writes a table (line {select.Into.StartLine}, column {select.Into.StartColumn}).";
        }

        var writer = new Writers();
        select.Accept(writer);
        return writer.Found;
    }

    /// <summary>The statement's kind in words: <c>DELETE</c>, <c>COMMIT TRANSACTION</c>.</summary>
    private static string Kind(TSqlStatement statement)
    {
        var name = statement.GetType().Name;
        name = name.EndsWith("Statement", StringComparison.Ordinal) ? name[..^"Statement".Length] : name;
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString())).ToUpperInvariant();
    }

    /// <summary>Finds the parts of a select that reach beyond reading this database, or change it.</summary>
    private sealed class Writers : TSqlFragmentVisitor
    {
        public string? Found { get; private set; }

        // NEXT VALUE FOR moves a sequence, which no rollback undoes.
        public override void Visit(NextValueForExpression node) => Refuse("NEXT VALUE FOR changes a sequence", node);

        // These run text on a linked server or through an OLE DB provider: a write there is not this transaction's.
        public override void Visit(OpenQueryTableReference node) => Refuse("OPENQUERY runs a query on a linked server", node);

        public override void Visit(OpenRowsetTableReference node) => Refuse("OPENROWSET reaches another data source", node);

        public override void Visit(AdHocTableReference node) => Refuse("OPENDATASOURCE reaches another data source", node);

        public override void Visit(BulkOpenRowset node) => Refuse("OPENROWSET(BULK ...) reads a file on the server", node);

        private void Refuse(string what, TSqlFragment node) => Found ??= $"{what} (line {node.StartLine}, column {node.StartColumn}).";
    }
}
