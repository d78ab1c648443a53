using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;

namespace Appliance.Tests.Ui;

public sealed class ImagesAndFlavorsTests : UiComponentTest
{
    public ImagesAndFlavorsTests() => UseSession(UiSessions.Member());

    [Fact]
    public void Images_ListsWhatTheShelfHolds()
    {
        var cut = Render<ImagesPage>();

        var row = cut.Find("[data-test=image-table] tbody tr");
        Assert.Equal(["tiny", "active", "qcow2", "192 KiB", "public"], row.Children.Take(5).Select(c => c.TextContent));
    }

    [Fact]
    public void Upload_StreamsTheChosenFileToTheShelf_AndTheListShowsIt()
    {
        var cut = Render<ImagesPage>();
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(bytes, "cirros.qcow2"));
        Assert.Equal("cirros", cut.Find("#upload-name").GetAttribute("value"));
        cut.Find("#upload-format").Change("raw");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("Image cirros is active.", cut.Find("[data-test=uploaded]").TextContent));
        var upload = Assert.Single(Shelf.Uploads);
        Assert.Equal(("cirros", "raw"), (upload.Name, upload.Format));
        Assert.Equal(bytes, upload.Bytes);
        Assert.Equal(2, cut.FindAll("[data-test=image-table] tbody tr").Count);
    }

    [Fact]
    public void Upload_StoreRefuses_ShowsWhy()
    {
        Shelf.UploadFailure = new UiException("Image has a backing file");
        var cut = Render<ImagesPage>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary([1, 2, 3], "bad.qcow2"));
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Image has a backing file", cut.Find("[role=alert]").TextContent));
        Assert.Empty(cut.FindAll("[data-test=uploaded]"));
    }

    [Fact]
    public void Upload_ButtonWaitsForAFile()
    {
        var cut = Render<ImagesPage>();

        Assert.True(cut.Find("form button[type=submit]").HasAttribute("disabled"));
    }

    [Fact]
    public void Flavors_ListsSizes()
    {
        var cut = Render<FlavorsPage>();

        var rows = cut.FindAll("[data-test=flavor-table] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["m1.nano", "42", "1", "256", "1", "0", "0", "yes"], rows[0].Children.Select(c => c.TextContent));
    }
}
