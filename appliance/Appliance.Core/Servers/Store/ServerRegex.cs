using System.Text.RegularExpressions;
using Appliance.Core.Caching;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>SQLite's REGEXP operator for the name and ip filters: .NET regexes, searched (not anchored) as Nova does, with a timeout.</summary>
public static class ServerRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly BoundedMemo<string, Regex> Compiled = new(pattern => new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout), 256);

    /// <summary>True when the pattern compiles; the API refuses others as invalid before any query runs.</summary>
    public static bool IsValid(string pattern)
    {
        try
        {
            Get(pattern);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    internal static void Register(SqliteConnection connection) =>
        connection.CreateFunction<string, string?, bool>("regexp", (pattern, input) => input is not null && Matches(pattern, input), isDeterministic: true);

    private static bool Matches(string pattern, string input)
    {
        try
        {
            return Get(pattern).IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false; // a pathological pattern matches nothing rather than holding the connection
        }
    }

    private static Regex Get(string pattern) => Compiled.Get(pattern);
}
