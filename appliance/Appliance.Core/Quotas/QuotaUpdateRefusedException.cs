namespace Appliance.Core.Quotas;

/// <summary>A quota update that would put a limit below what the project already uses; the message is Nova's.</summary>
public sealed class QuotaUpdateRefusedException(string message) : Exception(message);
