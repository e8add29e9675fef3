using System.Net;
using Diviora.Core.Secrets;
using Diviora.Core.Sources.Network;

namespace Diviora.Tests.Sources;

/// <summary>
/// Which addresses sources may reach, judged as units: no connection is made, and no name is resolved but
/// <c>localhost</c> (from the hosts file).
/// </summary>
[Trait("Category", "Unit")]
public sealed class SourceAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.1", "a loopback address")]
    [InlineData("127.0.0.2", "a loopback address")]
    [InlineData("2130706433", "a loopback address")]
    [InlineData("0x7f000001", "a loopback address")]
    [InlineData("0x7f.0.0.1", "a loopback address")]
    [InlineData("0177.0.0.1", "a loopback address")]
    [InlineData("017700000001", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("[::1]", "a loopback address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("[::ffff:7f00:1]", "a loopback address")]
    [InlineData("64:ff9b::7f00:1", "a loopback address")]
    [InlineData("2002:7f00:1::", "a loopback address")]
    [InlineData("localhost", "a loopback address")]
    [InlineData("localhost.", "a loopback address")]
    [InlineData("LOCALHOST", "a loopback address")]
    [InlineData("0.0.0.0", "an unspecified ('this network') address")]
    [InlineData("0", "an unspecified ('this network') address")]
    [InlineData("::", "the unspecified address")]
    [InlineData("10.1.2.3", "a private address (RFC 1918)")]
    [InlineData("172.16.0.1", "a private address (RFC 1918)")]
    [InlineData("172.31.255.254", "a private address (RFC 1918)")]
    [InlineData("192.168.1.10", "a private address (RFC 1918)")]
    [InlineData("::ffff:192.168.1.10", "a private address (RFC 1918)")]
    [InlineData("100.64.0.1", "a shared address (carrier-grade NAT, RFC 6598)")]
    [InlineData("100.127.255.254", "a shared address (carrier-grade NAT, RFC 6598)")]
    [InlineData("169.254.0.1", "a link-local address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fe80::1%2", "a link-local address")]
    [InlineData("fc00::1", "a unique-local address")]
    [InlineData("fd12:3456::1", "a unique-local address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved address (including broadcast)")]
    [InlineData("169.254.169.254", "a cloud metadata endpoint")]
    [InlineData("0xa9fea9fe", "a cloud metadata endpoint")]
    [InlineData("2852039166", "a cloud metadata endpoint")]
    [InlineData("::ffff:169.254.169.254", "a cloud metadata endpoint")]
    [InlineData("168.63.129.16", "a cloud metadata endpoint")]
    [InlineData("fd00:ec2::254", "a cloud metadata endpoint")]
    public async Task Every_spelling_of_a_non_public_address_is_refused(string host, string what)
    {
        var error = await Assert.ThrowsAsync<SourceAddressRefusedException>(() => SourceNetworkPolicy.PublicOnly.ResolveAsync(host, 80, CancellationToken.None));

        Assert.Contains($"is {what}", error.Message, StringComparison.Ordinal);
        Assert.Contains(host.Trim('[', ']'), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("168.63.129.17")]
    public async Task Public_addresses_pass_and_are_the_ones_connected_to(string host)
    {
        var addresses = await SourceNetworkPolicy.PublicOnly.ResolveAsync(host, 443, CancellationToken.None);

        Assert.Equal([IPAddress.Parse(host)], addresses);
    }

    [Fact]
    public async Task An_allowed_private_endpoint_passes_on_its_port_only()
    {
        var policy = new SourceNetworkPolicy(PrivateEndpoints.Parse("127.0.0.1:18765, 10.20.0.0/16, db.internal:5432, [::1]:8080"));

        Assert.Equal([IPAddress.Loopback], await policy.ResolveAsync("127.0.0.1", 18765, CancellationToken.None));
        Assert.Equal([IPAddress.Loopback], await policy.ResolveAsync("2130706433", 18765, CancellationToken.None));
        Assert.Single(await policy.ResolveAsync("10.20.3.4", 1, CancellationToken.None));
        Assert.Single(await policy.ResolveAsync("[::1]", 8080, CancellationToken.None));
        Assert.True(policy.IsAllowed("db.internal", IPAddress.Parse("10.9.9.9"), 5432));
        Assert.True(policy.IsAllowed("DB.Internal.", IPAddress.Parse("10.9.9.9"), 5432));

        await Assert.ThrowsAsync<SourceAddressRefusedException>(() => policy.ResolveAsync("127.0.0.1", 18766, CancellationToken.None));
        await Assert.ThrowsAsync<SourceAddressRefusedException>(() => policy.ResolveAsync("10.21.0.1", 80, CancellationToken.None));
        await Assert.ThrowsAsync<SourceAddressRefusedException>(() => policy.ResolveAsync("[::1]", 8081, CancellationToken.None));
        Assert.False(policy.IsAllowed("db.internal", IPAddress.Parse("10.9.9.9"), 5433));
        Assert.False(policy.IsAllowed("other.internal", IPAddress.Parse("10.9.9.9"), 5432));
    }

    [Fact]
    public async Task A_name_connects_only_to_its_allowed_addresses_and_is_refused_when_none_is()
    {
        // localhost resolves to 127.0.0.1 and often ::1 too: only the allowed one is connected to.
        var policy = new SourceNetworkPolicy(PrivateEndpoints.Parse("127.0.0.1:18765"));

        Assert.Equal([IPAddress.Loopback], await policy.ResolveAsync("localhost", 18765, CancellationToken.None));
        var error = await Assert.ThrowsAsync<SourceAddressRefusedException>(() => policy.ResolveAsync("localhost", 18766, CancellationToken.None));
        Assert.Contains("localhost", error.Message, StringComparison.Ordinal);
        Assert.Contains(SourceNetworkPolicy.AllowPrivateEndpointsKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_endpoints_stay_refused_even_inside_an_allowed_range()
    {
        var policy = new SourceNetworkPolicy(PrivateEndpoints.Parse("169.254.0.0/16, 168.63.129.16, fd00::/8"));

        Assert.Single(await policy.ResolveAsync("169.254.1.1", 80, CancellationToken.None));
        foreach (var metadata in new[] { "169.254.169.254", "168.63.129.16", "fd00:ec2::254", "::ffff:169.254.169.254" })
        {
            var error = await Assert.ThrowsAsync<SourceAddressRefusedException>(() => policy.ResolveAsync(metadata, 80, CancellationToken.None));
            Assert.Contains("may never reach it", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("db.internal", "is not host:port")]
    [InlineData("127.0.0.1:0", "is not host:port")]
    [InlineData("127.0.0.1:70000", "is not host:port")]
    [InlineData("10.0.0.0/33", "is not a CIDR range")]
    [InlineData("::1:8080", "")]
    [InlineData("http://db.internal:5432", "is a URL: give host:port")]
    public void A_bad_allow_list_entry_is_named_at_start_up(string entry, string rule)
    {
        if (rule.Length == 0)
        {
            // An IPv6 address without brackets is the address itself (any port), not an address and a port.
            Assert.True(PrivateEndpoints.Parse(entry).Allows("::1:8080", IPAddress.Parse("::1:8080"), 1));
            return;
        }

        var error = Assert.Throws<FormatException>(() => PrivateEndpoints.Parse("127.0.0.1:1, " + entry));

        Assert.Contains($"'{entry}' {rule}", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Diviora:Sources:AllowPrivateEndpoints", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.example.com", "api.example.com", 443, true)]
    [InlineData("api.example.com", "API.Example.COM.", 8443, true)]
    [InlineData("api.example.com:443", "api.example.com", 443, true)]
    [InlineData("api.example.com:443", "api.example.com", 8443, false)]
    [InlineData("api.example.com", "evil.example.com", 443, false)]
    [InlineData("api.example.com", "api.example.com.evil.net", 443, false)]
    [InlineData("example.com", "api.example.com", 443, false)]
    [InlineData("127.0.0.1:18765", "127.1", 18765, true)]
    [InlineData("127.0.0.1:18765", "[::ffff:127.0.0.1]", 18765, true)]
    [InlineData("[::1]:8080", "[::1]", 8080, true)]
    [InlineData("::1", "[::1]", 1, true)]
    [InlineData("bücher.example", "xn--bcher-kva.example", 443, true)]
    public void A_secret_goes_only_to_its_hosts(string entry, string host, int port, bool allowed)
    {
        Assert.True(SecretHosts.TryParse([entry], out var hosts, out var error), error);

        Assert.Equal(allowed, hosts.Allows(host, port));
    }

    [Theory]
    [InlineData("https://api.example.com")]
    [InlineData("api.example.com/path")]
    [InlineData("*.example.com")]
    [InlineData("user@api.example.com")]
    [InlineData("api.example.com:0")]
    [InlineData("::1:99999:")]
    [InlineData("")]
    [InlineData("two words")]
    public void A_bad_host_is_refused_by_its_index(string entry)
    {
        Assert.False(SecretHosts.TryParse(["api.example.com", entry], out _, out var error));

        Assert.StartsWith("allowedHosts[1] ", error, StringComparison.Ordinal);
        Assert.Contains(SecretHosts.Rule, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_without_hosts_or_bound_elsewhere_is_refused_naming_the_secret_and_the_host_never_the_value()
    {
        var store = new MemorySecretStore();
        await store.SetAsync("crm-token", "Bearer s3cr3t-value", SecretHosts.None, "test", CancellationToken.None);
        Assert.True(SecretHosts.TryParse(["api.example.com"], out var hosts, out _));
        await store.SetAsync("erp-token", "Bearer 0th3r-value", hosts, "test", CancellationToken.None);

        var unbound = await store.ResolveAsync("secret:crm-token", CancellationToken.None);
        var elsewhere = await store.ResolveAsync("secret:erp-token", CancellationToken.None);
        var plain = await store.ResolveAsync("Bearer not-a-secret", CancellationToken.None);

        var none = Assert.Throws<SecretException>(() => unbound.EnsureAllowed("127.0.0.1", 18765, "rest.headers['Authorization']"));
        var other = Assert.Throws<SecretException>(() => elsewhere.EnsureAllowed("127.0.0.1", 18765, "rest.headers['Authorization']"));
        elsewhere.EnsureAllowed("api.example.com", 443, "rest.headers['Authorization']");
        plain.EnsureAllowed("127.0.0.1", 18765, "rest.headers['Authorization']");

        Assert.Contains("'crm-token' in rest.headers['Authorization'] is bound to no host, so it is not sent to 127.0.0.1:18765", none.Message, StringComparison.Ordinal);
        Assert.Contains("'erp-token' in rest.headers['Authorization'] is bound to api.example.com; it is not sent to 127.0.0.1:18765", other.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", none.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0th3r", other.Message, StringComparison.Ordinal);
    }
}
