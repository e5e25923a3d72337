namespace Contingency.Data;

/// <summary>
/// A rule of the domain said no. Carries the HTTP status and the stable <c>code</c> that
/// clients switch on; the API turns it into problem details in one place.
/// </summary>
public class DomainException(int status, string code, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

public sealed class NotFoundException(string what, string id)
    : DomainException(404, "not-found", $"No {what} with id '{id}'.");

public sealed class ConflictException(string code, string detail) : DomainException(409, code, detail);

public sealed class UnprocessableException(string code, string detail) : DomainException(422, code, detail);

public static class ErrorCodes
{
    public const string DuplicateNpi = "duplicate-npi";
    public const string OutsideProgram = "outside-program";
    public const string InThePast = "in-the-past";
    public const string AlreadyCommitted = "already-committed";
    public const string SlotTaken = "slot-taken";
    public const string NotACommittedSlot = "not-a-committed-slot";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string InvalidTransition = "invalid-transition";
    public const string OutsideCommitment = "outside-commitment";
    public const string NoSlots = "no-slots";
    public const string ModalityNotOffered = "modality-not-offered";
    public const string ProviderInactive = "provider-inactive";
}
