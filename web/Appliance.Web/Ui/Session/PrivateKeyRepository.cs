using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Appliance.Web.Ui.Session;

/// <summary>
/// The status page's Data Protection keys as XML files in a directory only the appliance's user can open (0700, files
/// 0600): they decrypt every sign-in cookie, so they get the care of the database next to them.
/// </summary>
public sealed class PrivateKeyRepository(string directory) : IXmlRepository
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Location { get; } = Path.GetFullPath(directory);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        Directory.Exists(Location)
            ? Directory.EnumerateFiles(Location, "*.xml").Order(StringComparer.Ordinal).Select(file => XElement.Load(file)).ToList()
            : [];

    public void StoreElement(XElement element, string friendlyName)
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Location);
        }
        else
        {
            Directory.CreateDirectory(Location, OwnerOnlyDirectory);
            File.SetUnixFileMode(Location, OwnerOnlyDirectory); // also when it was made before, by hand or with another umask
            create.UnixCreateMode = OwnerOnlyFile;
        }

        var name = string.Concat(friendlyName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        var final = Path.Combine(Location, (name.Length > 0 ? name : Guid.NewGuid().ToString()) + ".xml");
        var temporary = Path.Combine(Location, $".{Guid.NewGuid():N}.tmp");
        // Written whole, then renamed: a crash leaves no half key to be read at the next start.
        using (var file = new FileStream(temporary, create))
        {
            element.Save(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, final, overwrite: true);
    }
}
