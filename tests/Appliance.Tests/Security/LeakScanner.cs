using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Security;

/// <summary>
/// What must never show in a response body or a log line: every secret the test has seen (tokens, passwords,
/// generated adminPass values, private keys), .NET stack frames and type names, and the data dir's host path.
/// </summary>
public sealed partial class LeakScanner(string dataDir)
{
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public string DataDir { get; } = dataDir;

    public int SecretCount => _secrets.Count;

    /// <summary>Remembers a secret by what it is ("token", "password", ...); short strings are refused, they would match by chance.</summary>
    public void Add(string kind, string? secret)
    {
        if (secret is { Length: >= 8 })
        {
            _secrets.TryAdd(secret, kind);
        }
    }

    /// <summary>A private key is checked by its base64 body lines, so a key re-wrapped or cut still counts.</summary>
    public void AddPrivateKey(string? pem)
    {
        if (pem is null)
        {
            return;
        }

        Add("private key", pem);
        foreach (var line in pem.Split('\n').Select(line => line.Trim()).Where(line => line.Length >= 40 && !line.StartsWith("-----", StringComparison.Ordinal)))
        {
            Add("private key", line);
        }
    }

    /// <summary>Every way <paramref name="text"/> leaks, each as "what (where)"; empty when clean.</summary>
    public List<string> Scan(string where, string text, bool allowStackTraces = false, bool allowTypeNames = false)
    {
        var found = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        foreach (var (secret, kind) in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                found.Add($"{kind} in {where}");
            }
        }

        if (!allowStackTraces)
        {
            if (text.Contains("   at ", StringComparison.Ordinal) || StackFrame().IsMatch(text))
            {
                found.Add($"stack trace in {where}");
            }

            if (!allowTypeNames && TypeName().Match(text) is { Success: true } type)
            {
                found.Add($"type name {type.Value} in {where}");
            }
        }

        if (text.Contains(DataDir, StringComparison.Ordinal))
        {
            found.Add($"data dir path in {where}");
        }

        return found;
    }

    /// <summary>
    /// Scans the log lines written since <paramref name="from"/>; an event carrying an exception counts as a stack trace,
    /// because the appliance's console formatter prints the whole exception under the line.
    /// </summary>
    public List<string> ScanLogs(RecordingLoggerProvider logs, int from = 0)
    {
        var found = new List<string>();
        foreach (var entry in logs.Entries.Skip(from))
        {
            var where = $"log line [{entry.Category}] \"{Shorten(entry.Message)}\"";
            // Framework lines name their own types ("Executing endpoint 'Microsoft.AspNetCore.Routing.RouteEndpoint'"): only frames count here.
            found.AddRange(Scan(where, entry.Message, allowTypeNames: true).Where(finding => !finding.StartsWith("data dir path", StringComparison.Ordinal) || entry.RequestId is not null));
            if (entry.Exception is not null)
            {
                found.Add($"stack trace ({entry.Exception.GetType().Name}) in {where}");
                found.AddRange(Scan(where, entry.Exception.ToString(), allowStackTraces: true, allowTypeNames: true));
            }
        }

        return found;
    }

    public static string Shorten(string text, int length = 160) => text.Length <= length ? text : text[..length] + "…";

    [GeneratedRegex(@"\bat [A-Z][\w.`<>]+\.[\w<>]+\(")]
    private static partial Regex StackFrame();

    [GeneratedRegex(@"\b(System|Microsoft|Appliance|SQLitePCL|Dapper)\.[A-Z]\w*|\b\w+Exception\b")]
    private static partial Regex TypeName();
}
