namespace Appliance.Tests.Reliability;

/// <summary>The crash and load harnesses each keep the CPU busy: one after the other, beside the rest of the suite.</summary>
[CollectionDefinition(Name)]
public sealed class HarnessCollection
{
    public const string Name = "reliability harnesses";
}
