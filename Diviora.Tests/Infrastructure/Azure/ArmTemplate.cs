using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Diviora.Tests.Infrastructure.Azure;

/// <summary>One resource of a compiled ARM template, with the module (nested deployment) it was declared in.</summary>
internal sealed record ArmResource(string Type, JsonElement Json, ArmScope Scope)
{
    public JsonElement Properties => Json.TryGetProperty("properties", out var p) ? p : default;

    /// <summary>A string value with <c>[parameters('x')]</c> and <c>[variables('x')]</c> followed up to the literal.</summary>
    public string? Resolve(JsonElement value) => Scope.Resolve(value) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
}

/// <summary>The parameters and variables a module's expressions refer to, and the module that called it.</summary>
internal sealed partial class ArmScope(JsonElement template, JsonElement parameters, ArmScope? parent)
{
    public JsonElement Resolve(JsonElement value)
    {
        for (var hops = 0; hops < 10 && value.ValueKind == JsonValueKind.String; hops++)
        {
            var match = Reference().Match(value.GetString()!);
            if (!match.Success)
            {
                return value;
            }

            var name = match.Groups["name"].Value;
            if (match.Groups["kind"].Value == "variables")
            {
                if (!template.TryGetProperty("variables", out var variables) || !variables.TryGetProperty(name, out value))
                {
                    return default;
                }
            }
            else if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var passed))
            {
                // A value passed in by the calling module is an expression of the caller's scope.
                return parent is null ? passed.GetProperty("value") : parent.Resolve(passed.GetProperty("value"));
            }
            else
            {
                return template.TryGetProperty("parameters", out var declared) && declared.TryGetProperty(name, out var parameter)
                    && parameter.TryGetProperty("defaultValue", out var fallback) ? fallback : default;
            }
        }

        return value;
    }

    [GeneratedRegex(@"^\[(?<kind>parameters|variables)\('(?<name>[A-Za-z0-9_]+)'\)\]$")]
    private static partial Regex Reference();
}

/// <summary>
/// <c>infra/main.bicep</c> compiled by the bicep CLI from NuGet (its path is written into the test assembly at build),
/// and every resource in it and its modules.
/// </summary>
internal sealed class ArmTemplate
{
    private ArmTemplate(string json)
    {
        Text = json;
        Root = JsonDocument.Parse(json).RootElement;
        Collect(Root, new ArmScope(Root, default, null));
    }

    public string Text { get; }

    public JsonElement Root { get; }

    public List<ArmResource> Resources { get; } = [];

    public static string RepoRoot => Metadata("RepoRoot");

    public static string Infra(params string[] parts) => Path.Combine([RepoRoot, "infra", .. parts]);

    public static ArmTemplate Compile() => new(Bicep("build", Infra("main.bicep"), "--stdout").Output);

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type) => Assert.Single(OfType(type));

    public ArmResource Single(string type, string name) => Assert.Single(OfType(type), r => r.Json.GetProperty("name").GetString() == name);

    /// <summary>Runs the bicep CLI in the repository root (so bicepconfig.json applies) and returns its exit code and output.</summary>
    public static (int ExitCode, string Output, string Errors) Bicep(params string[] arguments)
    {
        var start = new ProcessStartInfo(Metadata("BicepPath"))
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline: no telemetry, no registry look-ups.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "bicep did not finish within 2 minutes");
        return (process.ExitCode, output.Result, errors.Result);
    }

    private void Collect(JsonElement template, ArmScope scope)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            return;
        }

        // languageVersion 2.0 templates (user-defined functions) keep resources by symbolic name.
        var all = resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().ToList()
            : resources.EnumerateObject().Select(p => p.Value).ToList();
        foreach (var resource in all)
        {
            if (resource.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            var type = resource.GetProperty("type").GetString()!;
            Resources.Add(new ArmResource(type, resource, scope));
            if (type == "Microsoft.Resources/deployments")
            {
                var properties = resource.GetProperty("properties");
                var nested = properties.GetProperty("template");
                Collect(nested, new ArmScope(nested, properties.GetProperty("parameters"), scope));
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(ArmTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata: build Diviora.Tests (after restore).");
}
