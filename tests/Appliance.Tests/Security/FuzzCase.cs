namespace Appliance.Tests.Security;

/// <summary>Whose token a fuzz case carries, if any.</summary>
public enum FuzzCaller { OwnerA, ForeignB, Admin, NoToken, GarbageToken, Unscoped, Revoked }

/// <summary>What fills a route parameter: a real resource (of A, of B, public), or a literal the generator made up.</summary>
public enum ValueSource { OwnedByA, OwnedByB, Public, Literal }

public sealed record PathValue(ValueSource Source, string Literal, bool Escape);

/// <summary>How the path is bent after filling: none, or one of the shapes routing and auth must survive.</summary>
public enum PathShape { AsIs, TrailingSlash, DoubleSlash, UpperCase, ExtraSegment, DropLastSegment, ProjectInUrlOfA, ProjectInUrlOfB, SwapVersion, Unrouted }

/// <summary>One JSON mutation: where (a fraction of the document's nodes), what, and with which literal or key.</summary>
public enum MutationKind { Replace, Remove, AddKey, WrapInArray, Truncate, InsertText, DuplicateKey, RenameKey }

public sealed record Mutation(MutationKind Kind, double Where, string Literal, string Key);

/// <summary>
/// The body: a route's seed (by index) bent by mutations, or something else entirely; an optional declared type
/// (Keep: the seed's own), and whether it goes chunked with no Content-Length.
/// </summary>
public sealed record BodyRecipe(int Seed, IReadOnlyList<Mutation> Mutations, string? RawJson, byte[]? RawBytes, bool KeepContentType, string? ContentType, bool Chunked)
{
    public static readonly BodyRecipe None = new(-1, [], null, null, true, null, false);
}

/// <summary>One generated request, before the fixture's live ids are put in.</summary>
public sealed record FuzzCase(
    int Route,
    string? Method,
    IReadOnlyList<PathValue> Values,
    PathShape Shape,
    string UnroutedPath,
    FuzzCaller Caller,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    BodyRecipe Body);
