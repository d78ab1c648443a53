using System.Net;

namespace Appliance.Benchmarks.Reliability;

/// <summary>A project the workload uses: its id (for quotas) and a token scoped to it.</summary>
public sealed record ProjectAccess(string Id, string Token);

/// <summary>A fresh appliance made ready for a workload: an admin token, a bootable image, projects without server quotas.</summary>
public sealed record ReliabilitySetup(string AdminToken, WorkloadTargets Targets)
{
    public static async Task<ReliabilitySetup> PrepareAsync(HttpClient client, string dataDir, string projectPrefix, int projectCount)
    {
        var fleet = await ServerFleet.ConnectAsync(client, dataDir);
        var imageId = await fleet.UploadImageAsync();
        var projects = await fleet.ProjectsAsync(projectPrefix, projectCount);
        var api = new ComputeApi(client);
        foreach (var project in projects)
        {
            // The defaults (10 instances, 20 cores) would turn a long workload's creates into 403s: none of them are under test here.
            await api.ExpectAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{project.Id}", fleet.AdminToken,
                """{"quota_set": {"instances": -1, "cores": -1, "ram": -1, "metadata_items": -1}}""", HttpStatusCode.OK);
        }

        return new ReliabilitySetup(fleet.AdminToken, new WorkloadTargets(projects, imageId));
    }
}
