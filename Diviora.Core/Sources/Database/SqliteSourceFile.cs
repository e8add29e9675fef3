namespace Diviora.Core.Sources.Database;

/// <summary>
/// Where a SQLite source's file may be: a plain path inside the configured folder
/// (<see cref="DatabaseFetchOptions.SqliteFolder"/>), found there after every symbolic link on the way is followed. A
/// relative path is taken inside the folder. Anything else, such as the warehouse's own file, is refused.
/// </summary>
internal static class SqliteSourceFile
{
    // More links than this on one path is a loop.
    private const int MaxLinks = 40;

    /// <summary>
    /// The real path of the file <paramref name="dataSource"/> names, for SQLite to open; throws naming the rule it breaks.
    /// </summary>
    /// <exception cref="DatabaseFetchException">The Data Source is not a plain path, or leads outside the folder.</exception>
    public static string Resolve(string dataSource, string? folder)
    {
        var setting = DatabaseFetchOptions.Setting(nameof(DatabaseFetchOptions.SqliteFolder));
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw Refused($"SQLite sources are turned off here: no folder is set for their files ({setting})");
        }

        if (string.IsNullOrWhiteSpace(dataSource))
        {
            throw Refused("its Data Source is empty; name a file in the sources folder");
        }

        // URI filenames (file:...?mode=rw&vfs=...), in-memory databases and |DataDirectory| would each open something
        // other than the plain file checked here.
        if (dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || dataSource.StartsWith(':') ||
            dataSource.Contains('|', StringComparison.Ordinal) || dataSource.Any(char.IsControl))
        {
            throw Refused("its Data Source must be a plain file path, not a URI, ':memory:' or a substitution");
        }

        var parts = dataSource.Split(['/', '\\']);
        if (parts.Contains(".."))
        {
            throw Refused("its Data Source may not contain '..'");
        }

        var root = RealPath(Path.GetFullPath(folder));
        var path = RealPath(Path.GetFullPath(dataSource, root));
        if (!IsInside(path, root))
        {
            throw Refused($"its file is not inside the sources folder ({setting}), once links are followed");
        }

        return path;
    }

    /// <summary>
    /// False when <paramref name="warehouseConnectionString"/> is a SQLite warehouse whose file is inside
    /// <paramref name="folder"/>, where sources could read it; true otherwise.
    /// </summary>
    public static bool KeepsOut(string? folder, string warehouseConnectionString)
    {
        if (string.IsNullOrWhiteSpace(folder) || Warehouse.Warehouses.KindOf(warehouseConnectionString) != Warehouse.WarehouseKind.Sqlite)
        {
            return true;
        }

        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(warehouseConnectionString).DataSource;
        return string.IsNullOrEmpty(file) || !IsInside(RealPath(Path.GetFullPath(file)), RealPath(Path.GetFullPath(folder)));
    }

    private static bool IsInside(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var withSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(withSeparator, comparison) && path.Length > withSeparator.Length;
    }

    /// <summary>
    /// <paramref name="full"/> with every symbolic link along it replaced by where it leads, one part at a time, as the
    /// operating system would open it (a link's <c>..</c> is taken from where the link points).
    /// </summary>
    private static string RealPath(string full)
    {
        var links = 0;
        return Follow(full, ref links);
    }

    private static string Follow(string full, ref int links)
    {
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw Refused("its path has too many symbolic links");
                }

                next = Follow(Path.GetFullPath(target, current), ref links);
            }

            current = next;
        }

        return current;
    }

    private static DatabaseFetchException Refused(string why) => new($"database.connection is refused for SQLite: {why}.");
}
