using System.Text;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Http;

namespace Appliance.Tests.Web;

public sealed class JsonBodyTests
{
    public sealed record Named(string Name, int? Ram = null);

    private static ValueTask<JsonBody<Named>?> Bind(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        context.Request.ContentType = "application/json";
        return JsonBody<Named>.BindAsync(context);
    }

    private static async Task<Fault> FaultOf(string json) =>
        (await Assert.ThrowsAsync<FaultException>(async () => await Bind(json))).Fault;

    [Fact]
    public async Task WellFormedBody_Binds()
    {
        var body = await Bind("""{"Name": "m1.tiny", "Ram": 512}""");

        Assert.Equal(new Named("m1.tiny", 512), body!.Value);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"Name\": }")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"Name\": \"a\",}")]
    public async Task MalformedJson_Is400MalformedRequestBody(string json)
    {
        var fault = await FaultOf(json);

        Assert.Equal(400, fault.Code);
        Assert.Equal("Malformed request body", fault.Message);
    }

    [Fact]
    public async Task UnknownField_Is400NamingTheField()
    {
        var fault = await FaultOf("""{"Name": "a", "colour": "red"}""");

        Assert.Equal(400, fault.Code);
        Assert.Equal("Additional properties are not allowed ('colour' was unexpected)", fault.Message);
    }

    [Fact]
    public async Task WrongType_Is400NamingTheField_NotOurTypes()
    {
        var fault = await FaultOf("""{"Name": "a", "Ram": "lots"}""");

        Assert.Equal(400, fault.Code);
        Assert.Equal("Invalid input for field/attribute Ram.", fault.Message);
        Assert.DoesNotContain("System.", fault.Message);
    }

    [Fact]
    public async Task MissingRequiredField_Is400()
    {
        var fault = await FaultOf("""{"Ram": 1}""");

        Assert.Equal(400, fault.Code);
        Assert.Equal("'Name' is a required property", fault.Message);
    }
}
