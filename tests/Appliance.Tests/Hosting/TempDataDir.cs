namespace Appliance.Tests.Hosting;

/// <summary>A data dir of the test's own, removed afterwards.</summary>
public sealed class TempDataDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("appliance-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file there; the OS temp cleaner gets it.
        }
    }
}
