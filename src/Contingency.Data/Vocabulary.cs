namespace Contingency.Data;

/// <summary>The closed lists the contract names: licence types and session modalities.</summary>
public static class Vocabulary
{
    public static readonly string[] LicenseTypes = ["LMFT", "LCSW", "LPCC", "LEP", "PsyD", "PhD", "MD", "DO", "PMHNP"];
    public static readonly string[] Modalities = ["video", "in-person", "phone"];
}
