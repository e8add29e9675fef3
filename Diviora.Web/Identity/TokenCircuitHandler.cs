using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Diviora.Web.Identity;

/// <summary>
/// Reads the person's tokens while the circuit opens, when the connection's request (with its sign-in cookie) is still
/// at hand; later calls from timers and events have no request to read them from.
/// </summary>
internal sealed class TokenCircuitHandler(UserTokens tokens) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken) => tokens.LoadAsync();
}
