using System.Collections.Concurrent;
using Appliance.Web.Pipeline;
using Microsoft.Extensions.Logging;

namespace Appliance.Tests.Hosting;

/// <summary>Keeps every log event with the OpenStack request id in scope when it was written.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public sealed record Entry(string Category, LogLevel Level, string Message, string? RequestId, Exception? Exception = null);

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string? requestId = null;
            owner._scopes.ForEachScope((scope, _) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                {
                    requestId ??= pairs.FirstOrDefault(pair => pair.Key == RequestIdMiddleware.ScopeKey).Value as string;
                }
            }, (object?)null);
            owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), requestId, exception));
        }
    }
}
