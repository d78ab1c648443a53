using Appliance.Web.Observability;
using Appliance.Web.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Web;

public sealed class RequestIdConsoleFormatterTests
{
    private static string Format(IExternalScopeProvider scopes, string message, LogLevel level = LogLevel.Information)
    {
        var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "Appliance.Test", new EventId(1), message, null, (state, _) => state);
        new RequestIdConsoleFormatter().Write(entry, scopes, writer);
        return writer.ToString();
    }

    [Fact]
    public void LineWrittenInsideARequest_CarriesItsRequestId()
    {
        var scopes = new LoggerExternalScopeProvider();
        using (scopes.Push(new Dictionary<string, object> { [RequestIdMiddleware.ScopeKey] = "req-5c4e8a1e-0000-4000-8000-000000000001" }))
        {
            var line = Format(scopes, "creating server");

            Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z INFO Appliance\.Test \[req-5c4e8a1e-0000-4000-8000-000000000001\] creating server\r?\n$", line);
        }
    }

    [Fact]
    public void LineWrittenOutsideARequest_SaysSo()
    {
        var line = Format(new LoggerExternalScopeProvider(), "started", LogLevel.Warning);

        Assert.Contains(" WARNING Appliance.Test [-] started", line);
    }
}
