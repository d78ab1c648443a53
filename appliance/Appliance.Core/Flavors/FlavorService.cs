namespace Appliance.Core.Flavors;

/// <summary>Flavors, their extra specs and their access lists, for the API and the status page; who may ask is the API's to check.</summary>
public sealed class FlavorService(FlavorRepository flavors, FlavorAccessRepository access)
{
    public Task<Flavor?> FindAsync(string flavorId, CancellationToken cancellationToken = default) =>
        flavors.FindAsync(flavorId, cancellationToken);

    /// <summary>Public flavors, plus private ones the project was given access to (or all private ones for admins).</summary>
    public Task<IReadOnlyList<Flavor>> ListAsync(FlavorQuery query, string projectId, bool isAdmin, CancellationToken cancellationToken = default) =>
        flavors.ListAsync(query, projectId, isAdmin, cancellationToken);

    /// <summary>Adds a flavor; false when its name or id is taken.</summary>
    public Task<bool> CreateAsync(Flavor flavor, CancellationToken cancellationToken = default) =>
        flavors.InsertAsync(flavor, cancellationToken);

    /// <summary>Removes a flavor with its extra specs and access list; false when there was none.</summary>
    public Task<bool> DeleteAsync(string flavorId, CancellationToken cancellationToken = default) =>
        flavors.DeleteAsync(flavorId, cancellationToken);

    /// <summary>The flavor's extra specs (key -> value), ordered by key.</summary>
    public Task<IReadOnlyDictionary<string, string>> ExtraSpecsAsync(string flavorId, CancellationToken cancellationToken = default) =>
        flavors.ExtraSpecsAsync(flavorId, cancellationToken);

    /// <summary>Sets (adds or replaces) extra specs of a flavor.</summary>
    public Task SetExtraSpecsAsync(string flavorId, IReadOnlyDictionary<string, string> specs, CancellationToken cancellationToken = default) =>
        flavors.SetExtraSpecsAsync(flavorId, specs, cancellationToken);

    /// <summary>Removes one extra spec; false when the flavor had no such key.</summary>
    public Task<bool> DeleteExtraSpecAsync(string flavorId, string key, CancellationToken cancellationToken = default) =>
        flavors.DeleteExtraSpecAsync(flavorId, key, cancellationToken);

    /// <summary>The projects that may use a private flavor, in the order they were granted.</summary>
    public Task<IReadOnlyList<string>> AccessAsync(string flavorId, CancellationToken cancellationToken = default) =>
        access.ProjectsAsync(flavorId, cancellationToken);

    /// <summary>Grants the project access and returns the flavor's access list; 409 when it already had access.</summary>
    public Task<IReadOnlyList<string>> GrantAccessAsync(string flavorId, string projectId, CancellationToken cancellationToken = default) =>
        access.AddAsync(flavorId, projectId, cancellationToken);

    /// <summary>Revokes the project's access and returns the flavor's access list; 404 when it had none.</summary>
    public Task<IReadOnlyList<string>> RevokeAccessAsync(string flavorId, string projectId, CancellationToken cancellationToken = default) =>
        access.RemoveAsync(flavorId, projectId, cancellationToken);
}
