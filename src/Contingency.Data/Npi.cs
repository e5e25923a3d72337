namespace Contingency.Data;

/// <summary>
/// National Provider Identifier check: ten digits whose last is the Luhn check digit computed
/// over the nine before it prefixed with 80840 (the card-issuer prefix the NPI standard assigns).
/// </summary>
public static class Npi
{
    public static bool IsValid(string? npi)
    {
        if (npi is not { Length: 10 } || !npi.All(char.IsAsciiDigit)) return false;
        return CheckDigit(npi[..9]) == npi[9] - '0';
    }

    public static int CheckDigit(string firstNine)
    {
        var digits = "80840" + firstNine;
        var sum = 0;
        // Double every second digit from the right of the payload (the check digit is not in it yet).
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
