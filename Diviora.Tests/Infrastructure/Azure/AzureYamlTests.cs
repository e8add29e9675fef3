namespace Diviora.Tests.Infrastructure.Azure;

/// <summary>
/// azure.yaml read by lines (it is small and flat, and no YAML library is referenced): the three services point at
/// their own projects as container apps, and the postprovision hook exists.
/// </summary>
[Trait("Category", "Unit")]
public sealed class AzureYamlTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(ArmTemplate.RepoRoot, "azure.yaml"));

    [Fact]
    public void Names_the_project_diviora()
    {
        Assert.Contains("name: diviora", Lines);
    }

    [Theory]
    [InlineData("api", "Diviora.Api")]
    [InlineData("worker", "Diviora.Worker")]
    [InlineData("web", "Diviora.Web")]
    public void Deploys_the_service_from_its_own_project_as_a_container_app(string service, string project)
    {
        var settings = Block("services", service);

        Assert.Equal($"./{project}", settings["project"]);
        Assert.Equal("dotnet", settings["language"]);
        Assert.Equal("containerapp", settings["host"]);
        var csproj = Path.Combine(ArmTemplate.RepoRoot, project, project + ".csproj");
        Assert.True(File.Exists(csproj), csproj);
        Assert.Contains("<EnableSdkContainerSupport>true</EnableSdkContainerSupport>", File.ReadAllText(csproj), StringComparison.Ordinal);
    }

    [Fact]
    public void Deploys_exactly_the_three_services_and_not_the_app_host()
    {
        var services = Children("services").ToList();

        Assert.Equal(["api", "worker", "web"], services);
        Assert.DoesNotContain(Lines, line => !line.TrimStart().StartsWith('#') && line.Contains("AppHost", StringComparison.Ordinal));
    }

    [Fact]
    public void Runs_an_existing_posix_postprovision_hook_that_creates_the_sql_user()
    {
        var hook = Block("hooks", "postprovision", "posix");

        Assert.Equal("sh", hook["shell"]);
        var script = Path.Combine(ArmTemplate.RepoRoot, hook["run"]);
        Assert.True(File.Exists(script), script);
        var text = File.ReadAllText(script);
        Assert.StartsWith("#!/bin/sh", text, StringComparison.Ordinal);
        Assert.Contains("FROM EXTERNAL PROVIDER", text, StringComparison.Ordinal);
        Assert.Contains("--authentication-method ActiveDirectoryDefault", text, StringComparison.Ordinal);
        foreach (var output in new[] { "AZURE_SQL_SERVER_FQDN", "AZURE_SQL_DATABASE_NAME", "MANAGED_IDENTITY_NAME" })
        {
            Assert.Contains(output, text, StringComparison.Ordinal);
            Assert.Contains($"output {output} ", File.ReadAllText(ArmTemplate.Infra("main.bicep")), StringComparison.Ordinal);
        }
    }

    // The keys directly under the path, e.g. Children("services") = api, worker, web.
    private static IEnumerable<string> Children(params string[] path)
    {
        var (start, indent) = Find(path);
        foreach (var line in Lines.Skip(start + 1))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var depth = line.Length - line.TrimStart().Length;
            if (depth <= indent)
            {
                yield break;
            }

            if (depth == indent + 2 && line.TrimEnd().EndsWith(':'))
            {
                yield return line.Trim().TrimEnd(':');
            }
        }
    }

    // The scalar settings directly under the path.
    private static Dictionary<string, string> Block(params string[] path)
    {
        var (start, indent) = Find(path);
        var settings = new Dictionary<string, string>();
        foreach (var line in Lines.Skip(start + 1))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var depth = line.Length - line.TrimStart().Length;
            if (depth <= indent)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (depth == indent + 2 && colon > 0 && line[(colon + 1)..].Trim().Length > 0)
            {
                settings[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return settings;
    }

    private static (int Line, int Indent) Find(string[] path)
    {
        int line = -1, indent = -2;
        foreach (var key in path)
        {
            var next = Array.FindIndex(Lines, line + 1, l => l.Length - l.TrimStart().Length == indent + 2 && l.Trim() == key + ":");
            Assert.True(next > line, $"azure.yaml has no '{string.Join('.', path)}'");
            (line, indent) = (next, indent + 2);
        }

        return (line, indent);
    }
}
