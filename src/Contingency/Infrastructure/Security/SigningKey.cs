namespace Contingency.Infrastructure.Security;

using System.Security.Cryptography;
using System.Text;

/// <summary>
/// The shared key tokens are signed with: <c>Auth:SigningKey</c> when configured, otherwise one the
/// service makes on first start and keeps beside its data (<c>signing-key</c>, mode 600 on Unix; a
/// key file others may read stops the service at start), so a fresh install has a way in through
/// the <c>token</c> command. The key is never logged.
/// </summary>
public static class SigningKey
{
    public const int MinimumBytes = 32;
    public const string FileName = "signing-key";

    /// <summary>The key's bytes (the UTF-8 bytes of the configured or stored text).</summary>
    public static byte[] Resolve(IConfiguration config, IHostEnvironment env)
    {
        if (config["Auth:SigningKey"] is { Length: > 0 } configured) return Encoding.UTF8.GetBytes(configured);
        return Encoding.UTF8.GetBytes(ReadOrCreate(PathOf(config, env)));
    }

    /// <summary>Where the generated key lives: <c>Auth:KeyFile</c>, or beside the database file.</summary>
    public static string PathOf(IConfiguration config, IHostEnvironment env) =>
        config["Auth:KeyFile"] is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(Database.DataDirectory(config, env), FileName);

    /// <summary>True when the key file grants anything to its group or others (on Windows, folder permissions govern).</summary>
    public static bool OpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                          | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0;

    private static string ReadOrCreate(string path)
    {
        if (File.Exists(path)) return ReadExisting(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // 48 random bytes as base64url: 64 characters, 384 bits.
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        try
        {
            // CreateNew with mode 600 from the start: the key is never readable by others, not even briefly.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.UTF8.GetBytes(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (a second node on the same disk, or the token command) made it first.
            return ReadExisting(path);
        }
    }

    private static string ReadExisting(string path)
    {
        // The process that created it may still be writing its 64 characters.
        for (var attempt = 0; ; attempt++)
        {
            var key = File.ReadAllText(path).Trim();
            if (key.Length > 0 || attempt == 20) return key;
            Thread.Sleep(50);
        }
    }
}
