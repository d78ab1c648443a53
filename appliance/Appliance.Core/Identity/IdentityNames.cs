namespace Appliance.Core.Identity;

/// <summary>The checks every identity name passes: present, not blank, within Keystone's length.</summary>
public static class IdentityNames
{
    public static string Check(string? name, string target, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new IdentityValidationException($"Invalid input for field 'name': the {target} name must not be empty.");
        }

        if (name.Length > maxLength)
        {
            throw new IdentityValidationException($"Invalid input for field 'name': '{name}' is too long (at most {maxLength} characters).");
        }

        return name;
    }
}
