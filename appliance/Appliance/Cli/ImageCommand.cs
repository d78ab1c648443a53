using System.CommandLine;
using Appliance.Core;
using Appliance.Core.Identity;
using Appliance.Core.Images;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Appliance.Cli;

/// <summary>
/// <c>appliance image import FILE --name N</c>: puts an image into the store without the openstack CLI,
/// through the same checks as an API upload, with a progress bar.
/// </summary>
public static class ImageCommand
{
    public static Command Create()
    {
        var dataDir = DataDirCore.DataDirOption();
        var file = new Argument<FileInfo>("file") { Description = "The image file to import" };
        var name = new Option<string>("--name") { Description = "The image's name", Required = true };
        var diskFormat = new Option<string?>("--disk-format") { Description = "raw, qcow2, iso, aki, ari, ... (default: qcow2 when the file has a qcow2 header, else raw)" };
        var kernelId = new Option<string?>("--kernel-id") { Description = "An aki image to boot this one with (direct kernel boot)" };
        var ramdiskId = new Option<string?>("--ramdisk-id") { Description = "An ari image holding the initramfs for --kernel-id" };
        var project = new Option<string>("--project") { Description = "The owning project, by name or id", DefaultValueFactory = _ => "admin" };
        var visibility = new Option<string>("--visibility") { Description = "public, private, shared or community", DefaultValueFactory = _ => ImageVisibility.Public };
        var import = new Command("import", "Import an image file into the image store")
        {
            file, name, diskFormat, kernelId, ramdiskId, project, visibility, dataDir,
        };
        import.SetAction((parse, cancellationToken) => ImportAsync(
            parse.GetValue(dataDir),
            new ImportRequest(parse.GetValue(file)!, parse.GetValue(name)!, parse.GetValue(diskFormat), parse.GetValue(kernelId),
                parse.GetValue(ramdiskId), parse.GetValue(project)!, parse.GetValue(visibility)!),
            cancellationToken));
        return new Command("image", "Manage images") { import };
    }

    private sealed record ImportRequest(
        FileInfo File, string Name, string? DiskFormat, string? KernelId, string? RamdiskId, string Project, string Visibility);

    private static async Task<int> ImportAsync(string? dataDir, ImportRequest request, CancellationToken cancellationToken)
    {
        if (!request.File.Exists)
        {
            await Console.Error.WriteLineAsync($"appliance: {request.File.FullName} does not exist");
            return 2;
        }

        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        var owner = await services.GetRequiredService<ProjectService>().FindAsync(request.Project, cancellationToken);
        if (owner is null)
        {
            await Console.Error.WriteLineAsync($"appliance: no project named {request.Project}");
            return 1;
        }

        var caller = new ImageCaller(owner.Id, IsAdmin: true);
        var images = services.GetRequiredService<ImageService>();
        try
        {
            var properties = new Dictionary<string, string>();
            foreach (var (key, id) in new[] { ("kernel_id", request.KernelId), ("ramdisk_id", request.RamdiskId) })
            {
                if (id is not null)
                {
                    properties[key] = (await images.GetAsync(caller, id, cancellationToken)).Id;
                }
            }

            var diskFormat = request.DiskFormat ?? await ImageFormats.GuessDiskFormatAsync(request.File, cancellationToken);
            var image = await images.CreateAsync(caller, new NewImage
            {
                Name = request.Name,
                DiskFormat = diskFormat,
                ContainerFormat = ImageFormats.ContainerFor(diskFormat),
                Visibility = request.Visibility,
                Properties = properties,
            }, cancellationToken);

            var active = await UploadWithProgressAsync(images, caller, image.Id, request.File, cancellationToken);
            Console.WriteLine($"Imported {active.Name} ({active.Id}): {active.DiskFormat}, {active.Size} bytes, sha512 {active.OsHashValue}");
            return 0;
        }
        catch (RequestRefusedException e)
        {
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return 1;
        }
    }

    private static async Task<ImageRecord> UploadWithProgressAsync(
        ImageService images, ImageCaller caller, string imageId, FileInfo file, CancellationToken cancellationToken)
    {
        await using var data = file.OpenRead();
        ImageRecord? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"uploading {file.Name}", maxValue: Math.Max(1, file.Length));
                await using var counted = new ProgressStream(data, read => task.Increment(read));
                result = await images.UploadAsync(caller, imageId, counted, cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>Reports each read to the progress bar.</summary>
    private sealed class ProgressStream(Stream inner, Action<int> onRead) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            onRead(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            onRead(read);
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
