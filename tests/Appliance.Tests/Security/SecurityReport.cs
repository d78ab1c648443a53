namespace Appliance.Tests.Security;

/// <summary>
/// The security harnesses' tables also go to the file named by APPLIANCE_SECURITY_REPORT, which
/// tests/security.sh prints after the run (dotnet test shows test output only for failures).
/// </summary>
public static class SecurityReport
{
    private static readonly Lock Gate = new();

    public static void Append(string table)
    {
        if (Environment.GetEnvironmentVariable("APPLIANCE_SECURITY_REPORT") is not { Length: > 0 } path)
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, table + Environment.NewLine);
        }
    }
}
