namespace Contingency.Data;

/// <summary>What kind of "no" a rule of the domain gave; the executable maps each kind to a status code.</summary>
public enum ErrorKind
{
    /// <summary>A value is not acceptable on its own (a field out of its range, a day that ends after midnight).</summary>
    Invalid,
    /// <summary>The thing named does not exist.</summary>
    NotFound,
    /// <summary>The current state of the thing, or another request, stands in the way.</summary>
    Conflict,
    /// <summary>Well-formed, but the rules of the program refuse it.</summary>
    Unprocessable,
}

/// <summary>
/// A rule of the domain said no. Carries a kind and the stable <c>code</c> that clients switch on;
/// nothing here knows HTTP: the API turns kinds into problem details in one place.
/// </summary>
public class DomainException(ErrorKind kind, string code, string detail) : Exception(detail)
{
    public ErrorKind Kind { get; } = kind;
    public string Code { get; } = code;

    /// <summary>What the answer lists besides its code and detail (the ids a client acts on), by member name.</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = new Dictionary<string, object?>();
}

public sealed class NotFoundException(string what, string id)
    : DomainException(ErrorKind.NotFound, ErrorCodes.NotFound, $"No {what} with id '{id}'.");

public sealed class ConflictException(string code, string detail) : DomainException(ErrorKind.Conflict, code, detail);

public sealed class UnprocessableException(string code, string detail) : DomainException(ErrorKind.Unprocessable, code, detail);

/// <summary>One field's value is refused by an entity's own guard: reported like a validation failure of that field.</summary>
public sealed class InvalidFieldException(string field, string message)
    : DomainException(ErrorKind.Invalid, ErrorCodes.InvalidRequest, message)
{
    public string Field { get; } = field;
}

public static class ErrorCodes
{
    public const string InvalidRequest = "invalid-request";
    public const string NotFound = "not-found";
    public const string DuplicateNpi = "duplicate-npi";
    public const string OutsideProgram = "outside-program";
    public const string InThePast = "in-the-past";
    public const string AlreadyCommitted = "already-committed";
    public const string SlotTaken = "slot-taken";
    public const string NotACommittedSlot = "not-a-committed-slot";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string InvalidTransition = "invalid-transition";
    public const string ConcurrentUpdate = "concurrent-update";
    public const string OutsideCommitment = "outside-commitment";
    public const string NoSlots = "no-slots";
    public const string ModalityNotOffered = "modality-not-offered";
    public const string ProviderInactive = "provider-inactive";
    public const string TooLong = "too-long";
    public const string FixedField = "fixed-field";
    public const string MalformedRequest = "malformed-request";
    public const string AlreadyRebooked = "already-rebooked";
    public const string ProgramClosed = "program-closed";
    public const string ProgramNotEnded = "program-not-ended";
    public const string OpenAppointments = "open-appointments";
    public const string PaymentsOutstanding = "payments-outstanding";
}
