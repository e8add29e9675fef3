using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Microsoft.Data.SqlClient;

namespace Diviora.Tests.Sources;

/// <summary>
/// A SQL Server source's query must parse, by Microsoft's T-SQL parser, as exactly one SELECT that only reads. No SQL
/// Server runs here, so the check itself is what is tested: at source save (a 400 naming database.query) and on the
/// exact text the fetcher would send (Diviora's own select around the query included).
/// </summary>
[Trait("Category", "Unit")]
public sealed class SqlServerQueryCheckTests
{
    [Theory]
    [InlineData("select 1 commit delete from t", "it holds 3 statements (SELECT at line 1, column 1; COMMIT TRANSACTION at line 1, column 10; DELETE at line 1, column 17).")]
    [InlineData("select 1 select 2", "it holds 2 statements (SELECT at line 1, column 1; SELECT at line 1, column 10).")]
    [InlineData("select * from t\nGO\ndelete from t", "it holds 2 statements (SELECT at line 1, column 1; DELETE at line 3, column 1).")]
    [InlineData("select * into x from t", "SELECT ... INTO writes a table (line 1, column 15).")]
    [InlineData("select 'it''s' as s into #copy from t", "SELECT ... INTO writes a table (line 1, column 26).")]
    [InlineData("select next value for dbo.ids as id", "NEXT VALUE FOR changes a sequence (line 1, column 8).")]
    [InlineData("select * from openquery(erp, 'delete from t')", "OPENQUERY runs a query on a linked server (line 1, column 15).")]
    [InlineData("select * from openrowset('MSOLEDBSQL', 'Server=x;Trusted_Connection=yes', 'select 1') r", "OPENROWSET reaches another data source (line 1, column 15).")]
    [InlineData("select * from opendatasource('MSOLEDBSQL', 'Server=x').erp.dbo.t", "OPENDATASOURCE reaches another data source (line 1, column 15).")]
    [InlineData("select * from openrowset(bulk 'C:\\secrets.txt', single_clob) f", "OPENROWSET(BULK ...) reads a file on the server (line 1, column 15).")]
    [InlineData("select 'x' /* a /* nested */ comment */ commit", "it holds 2 statements (SELECT at line 1, column 1; COMMIT TRANSACTION at line 1, column 41).")]
    [InlineData("select [commit]] x] from t delete from t", "it holds 2 statements (SELECT at line 1, column 1; DELETE at line 1, column 28).")]
    public void Queries_that_are_not_one_read_only_select_are_refused_when_the_source_is_saved(string query, string why)
    {
        var settings = new DatabaseSettings { Provider = "sqlserver", Connection = "secret:erp-db", Query = query };

        Assert.Equal("database.query must be one SELECT statement that only reads: " + why, settings.Validate());
    }

    [Theory]
    [InlineData("exec('delete from t')", "it is EXECUTE, at line 1, column 1.")]
    [InlineData("execute dbo.purge", "it is EXECUTE, at line 1, column 1.")]
    [InlineData("waitfor delay '01:00:00'", "it is WAIT FOR, at line 1, column 1.")]
    [InlineData("select 1 as x) q; delete from t; select * from (select 1 as x", "it does not parse as T-SQL: line 1, column 14: Incorrect syntax near ')'.")]
    public void Statements_that_do_not_select_are_refused_by_the_parse(string query, string why) =>
        Assert.Equal(why, TSqlSelect.Check(query));

    [Theory]
    [InlineData("select 'commit; delete from t' as note from t")]
    [InlineData("select [commit], \"delete\" from t -- commit\n")]
    [InlineData("select 1 /* delete from t; /* nested */ still a comment */ ;")]
    [InlineData("with recent as (select * from dbo.orders where id > 10) select * from recent")]
    [InlineData("select top (10) o.id, c.name from dbo.orders o join dbo.customers c on c.id = o.customer_id order by o.id desc")]
    [InlineData("select 1 as n union all select 2")]
    public void One_select_passes_with_whatever_its_strings_names_and_comments_hold(string query)
    {
        Assert.Null(TSqlSelect.Check(query));
        Assert.Null(new DatabaseSettings { Provider = "sqlserver", Connection = "secret:erp-db", Query = query }.Validate());
    }

    [Fact]
    public void The_text_sent_is_checked_with_Diviora_s_select_around_the_query()
    {
        using var command = new SqlCommand();
        command.CommandText = WrappedQuery.Incremental(SqlServerProvider.Instance, "select * from dbo.orders -- open ones", "Updated_At", withCursor: true);
        SqlServerProvider.Instance.EnsureOneStatement(command);

        command.CommandText = WrappedQuery.Shape("select 1 as x) q; delete from t; select * from (select 1 as x");
        var refused = Assert.Throws<DatabaseFetchException>(() => SqlServerProvider.Instance.EnsureOneStatement(command));
        Assert.StartsWith("database.query must be one SELECT statement that only reads: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_sql_server_queries_are_parsed_as_T_SQL()
    {
        // PostgreSQL and SQLite parse the text themselves, one statement only, and refuse this as a syntax error.
        var postgres = new DatabaseSettings { Provider = "postgres", Connection = "secret:erp-db", Query = "select 1 commit delete from t" };

        Assert.Null(postgres.Validate());
    }
}
