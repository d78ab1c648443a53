using Appliance.Core.Identity;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>/v3/projects: admin lists, creates and deletes; a member may read only the project of their token.</summary>
public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder v3)
    {
        v3.MapGet("/projects", List);
        v3.MapPost("/projects", Create);
        v3.MapGet("/projects/{projectId}", Show);
        v3.MapPatch("/projects/{projectId}", Update);
        v3.MapDelete("/projects/{projectId}", Delete);
        return v3;
    }

    private static async Task<Ok<ProjectView.Many>> List(
        [AsParameters] IdentityRequestServices services,
        [FromQuery] string? name, [FromQuery(Name = "domain_id")] string? domainId, [FromQuery] string? enabled)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:list_projects");
        var projects = await services.Projects.ListAsync(new ProjectService.Filter(name, domainId, QueryFlags.Filter(enabled)), services.Aborted);
        return TypedResults.Ok(new ProjectView.Many(
            projects.Select(project => ProjectView.Render(project, services.V3Url)).ToList(), new ListLinks(services.V3Url + "/projects")));
    }

    private static async Task<JsonHttpResult<ProjectView.One>> Create(JsonBody<CreateProjectRequest> body, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:create_project");
        var request = body.Value.Project;
        AdminRequestChecks.NoOptions(request.Options);
        if (request.IsDomain || (request.ParentId is not null && request.ParentId != (request.DomainId ?? Domain.DefaultId)))
        {
            throw new IdentityValidationException("Invalid input: projects here are top-level projects of a domain (no is_domain, no parent project).");
        }

        var project = await services.Projects.CreateAsync(
            new ProjectService.NewProject(request.Name, request.DomainId, request.Description, request.Enabled, request.Tags), services.Aborted);
        return TypedResults.Json(new ProjectView.One(ProjectView.Render(project, services.V3Url)), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<ProjectView.One>> Show(string projectId, [AsParameters] IdentityRequestServices services)
    {
        // Another project's id is answered as unknown: a member learns nothing about projects not theirs.
        var project = Policy.CanRead(services.Caller, projectId) ? await services.Projects.GetAsync(projectId, services.Aborted) : null;
        return project is null
            ? throw new IdentityNotFoundException("project", projectId)
            : TypedResults.Ok(new ProjectView.One(ProjectView.Render(project, services.V3Url)));
    }

    private static async Task<Ok<ProjectView.One>> Update(string projectId, JsonBody<UpdateProjectRequest> body, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:update_project");
        var request = body.Value.Project;
        AdminRequestChecks.NoOptions(request.Options);
        var project = await services.Projects.UpdateAsync(
            projectId, new ProjectService.Changes(request.Name, request.Description, request.Enabled, request.Tags), services.Aborted);
        return TypedResults.Ok(new ProjectView.One(ProjectView.Render(project, services.V3Url)));
    }

    private static async Task<NoContent> Delete(string projectId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:delete_project");
        await services.Projects.DeleteAsync(projectId, services.Aborted);
        return TypedResults.NoContent();
    }
}
