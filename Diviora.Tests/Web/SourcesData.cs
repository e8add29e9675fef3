using System.Text;
using Diviora.Tests.Platform;

namespace Diviora.Tests.Web;

/// <summary>Sources and secrets the browser tests look at, defined through the Api as a user with curl would.</summary>
internal static class SourcesData
{
    /// <summary>
    /// <c>walk-source</c>: a REST source with every part of the form in use (headers, paging, incremental, renames,
    /// constants), disabled so its schedule never fires at a host that is not there; and the secret it names.
    /// </summary>
    public static async Task SeedAsync(HttpClient api)
    {
        using var secret = await api.PutSecretAsync("walk-token", "not-shown-anywhere");
        secret.EnsureSuccessStatusCode();
        using var body = new StringContent("""
            {"name":"walk-source","kind":"rest","dataset":"walk-pulled","schedule":"*/15 * * * *","timeZone":"Europe/Berlin","enabled":false,
             "mapping":{"columns":{"cust_id":"id"},"constants":{"region":"EU","weight":1.5}},
             "rest":{"url":"https://crm.example.com/api/customers","headers":{"Authorization":"secret:walk-token","Accept":"application/json"},
                     "recordsPath":"$.data","pagination":{"type":"page","param":"page","sizeParam":"per_page","size":100},
                     "incremental":{"cursorField":"updated_at","param":"updated_since"}}}
            """, Encoding.UTF8, "application/json");
        using var created = await api.PutAsync("/api/sources/walk-source", body);
        created.EnsureSuccessStatusCode();
    }
}
