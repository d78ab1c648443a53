namespace Appliance.Core.Networks;

/// <summary>Neutron's 404 for a group the caller may not see or that is not there.</summary>
public sealed class SecurityGroupNotFoundException(string id) : NotFoundException($"Security group {id} does not exist"), INeutronTypedRefusal
{
    public string Type => "SecurityGroupNotFound";
}

/// <summary>Neutron's 404 for a rule the caller may not see or that is not there.</summary>
public sealed class SecurityGroupRuleNotFoundException(string id) : NotFoundException($"Security group rule {id} does not exist"), INeutronTypedRefusal
{
    public string Type => "SecurityGroupRuleNotFound";
}

/// <summary>Neutron's 409 for a group some port is still in.</summary>
public sealed class SecurityGroupInUseException(string id) : ConflictException($"Security Group {id} in use."), INeutronTypedRefusal
{
    public string Type => "SecurityGroupInUse";
}

/// <summary>Neutron's 409 for a delete of a project's default group.</summary>
public sealed class SecurityGroupCannotRemoveDefaultException()
    : ConflictException("Insufficient rights for removing default security group."), INeutronTypedRefusal
{
    public string Type => "SecurityGroupCannotRemoveDefault";
}

/// <summary>Neutron's 409 for a rename of a project's default group.</summary>
public sealed class SecurityGroupCannotUpdateDefaultException()
    : ConflictException("Updating default security group not allowed."), INeutronTypedRefusal
{
    public string Type => "SecurityGroupCannotUpdateDefault";
}

/// <summary>Neutron's 409 for a second group called default.</summary>
public sealed class SecurityGroupDefaultAlreadyExistsException()
    : ConflictException("Default security group already exists."), INeutronTypedRefusal
{
    public string Type => "SecurityGroupDefaultAlreadyExists";
}

/// <summary>Neutron's 409 for a rule the group has already (all but the description the same).</summary>
public sealed class SecurityGroupRuleExistsException(string ruleId)
    : ConflictException($"Security group rule already exists. Rule id is {ruleId}."), INeutronTypedRefusal
{
    public string Type => "SecurityGroupRuleExists";
}

/// <summary>One of Neutron's 400s for a rule that cannot be (a bad port range, protocol, prefix, ...), with the type it names it by.</summary>
public sealed class SecurityGroupRuleInvalidException(string type, string message) : InvalidRequestException(message), INeutronTypedRefusal
{
    public string Type { get; } = type;
}
