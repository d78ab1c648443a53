using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components.Parts;
using Bunit;

namespace Appliance.Tests.Ui;

public sealed class ServerCreateFormTests : UiComponentTest
{
    public ServerCreateFormTests() => UseSession(UiSessions.Member());

    [Fact]
    public void Create_SendsEveryFieldToTheCatalog_AndSaysItWasAccepted()
    {
        var cut = Render<ServerCreateForm>();

        cut.Find("#create-name").Change("web-1");
        cut.Find("#create-flavor").Change("1");
        cut.Find("#create-key").Change("mykey");
        cut.Find("#create-userdata").Change("#!/bin/sh\necho hi");
        cut.Find("#create-configdrive").Change(true);
        cut.Find("form").Submit();

        Assert.Equal(new ServerForm("web-1", "img-1", "1", "mykey", "#!/bin/sh\necho hi", true), Assert.Single(Catalog.Created));
        Assert.Contains("Server web-1 accepted", cut.Find("[data-test=created]").TextContent);
        Assert.Equal("", cut.Find("#create-name").GetAttribute("value") ?? "");
    }

    [Fact]
    public void Create_WithoutAName_AsksForOne_AndSendsNothing()
    {
        var cut = Render<ServerCreateForm>();

        cut.Find("form").Submit();

        Assert.Equal("Give the server a name.", cut.Find("[role=alert]").TextContent);
        Assert.Empty(Catalog.Created);
    }

    [Fact]
    public void Create_CoreRefuses_ShowsItsMessage()
    {
        Catalog.CreateFailure = new UiException("Quota exceeded for instances: Requested 1, but already used 10 of 10 instances");
        var cut = Render<ServerCreateForm>();

        cut.Find("#create-name").Change("one-too-many");
        cut.Find("form").Submit();

        Assert.Equal("Quota exceeded for instances: Requested 1, but already used 10 of 10 instances", cut.Find("[role=alert]").TextContent);
        Assert.Empty(cut.FindAll("[data-test=created]"));
    }

    [Fact]
    public void Create_NoImageYet_PointsToTheImagesPage()
    {
        Catalog.Choices = new CreateChoices([], [new("42", "m1.nano")], []);
        var cut = Render<ServerCreateForm>();

        Assert.Empty(cut.FindAll("form"));
        Assert.Equal("images", cut.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void Create_EveryFieldHasALabel()
    {
        var cut = Render<ServerCreateForm>();

        foreach (var field in cut.FindAll("input, select, textarea"))
        {
            Assert.True(cut.FindAll($"label[for={field.Id}]").Count == 1 || field.ParentElement?.TagName == "LABEL", $"{field.Id} has no label");
        }
    }
}
