using System.Diagnostics;
using Diviora.Core.Messaging;

namespace Diviora.Tests.Messaging;

[Trait("Category", "Unit")]
public sealed class RunMessageTests
{
    [Fact]
    public void Carries_the_current_trace_context_to_the_consumer()
    {
        using var activity = new Activity("upload").SetIdFormat(ActivityIdFormat.W3C).Start();
        var runId = Guid.CreateVersion7();

        var sent = RunMessage.For(runId);
        Assert.True(RunMessage.TryParse(sent.ToBinaryData(), out var received));

        Assert.Equal(runId, received.RunId);
        Assert.Equal(activity.TraceId, received.ParentContext.TraceId);
        Assert.Equal(activity.SpanId, received.ParentContext.SpanId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"runId\":\"00000000-0000-0000-0000-000000000000\"}")]
    [InlineData("{}")]
    public void Refuses_a_body_that_is_not_a_run_message(string body)
    {
        Assert.False(RunMessage.TryParse(BinaryData.FromString(body), out _));
    }
}
