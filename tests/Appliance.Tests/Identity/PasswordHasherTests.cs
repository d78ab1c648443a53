using Appliance.Core.Identity;

namespace Appliance.Tests.Identity;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Verify_AcceptsTheRightPassword_AndRefusesOthers()
    {
        var hash = PasswordHasher.Hash("correct horse");

        Assert.True(PasswordHasher.Verify("correct horse", hash));
        Assert.False(PasswordHasher.Verify("correct horse ", hash));
        Assert.False(PasswordHasher.Verify("correct horse", null));
        Assert.False(PasswordHasher.Verify("correct horse", "pbkdf2-sha512$notanumber$AAAA$AAAA"));
    }

    [Fact]
    public void Hash_IsSaltedPerCall()
    {
        Assert.NotEqual(PasswordHasher.Hash("same"), PasswordHasher.Hash("same"));
    }
}
