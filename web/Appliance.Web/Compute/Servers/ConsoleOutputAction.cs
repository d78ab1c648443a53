using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>{"os-getConsoleOutput": {"length": N}}: the last N lines of the serial console log as {"output": "..."}.</summary>
public static partial class ConsoleOutputAction
{
    public sealed record Output([property: JsonPropertyName("output")] string Text);

    public static async Task<Ok<Output>> InvokeAsync(ServerActionRequest request)
    {
        var lines = Length(request.Arguments);
        var services = request.Services;
        var output = await services.Console.OutputAsync(services.Caller, request.ServerId, lines, services.Aborted);
        return TypedResults.Ok(new Output(output));
    }

    /// <summary>Nova's schema: an integer of at least -1, the same as a string of digits, or null; -1 and null mean the whole log.</summary>
    private static int? Length(JsonElement arguments)
    {
        var length = ServerFields.OnlyMember(arguments, "os-getConsoleOutput", "length");

        var number = length.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => (decimal?)null,
            JsonValueKind.Number when length.TryGetDecimal(out var value) && decimal.IsInteger(value) => value,
            JsonValueKind.String when Digits().IsMatch(length.GetString()!) => decimal.Parse(length.GetString()!, CultureInfo.InvariantCulture),
            _ => throw ServerFields.Invalid("length", "must be an integer, or a string of digits"),
        };
        return number switch
        {
            null or -1 => null,
            < -1 => throw ServerFields.Invalid("length", "must be at least -1"),
            > int.MaxValue => int.MaxValue,
            _ => (int)number.Value,
        };
    }

    // Long enough for any count a client means; longer strings are refused rather than overflowing.
    [GeneratedRegex("^-?[0-9]{1,18}$")]
    private static partial Regex Digits();
}
