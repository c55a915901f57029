namespace Chorus.Resp;

/// <summary>
/// How Redis quotes a client's argument inside an error message: with C's "%.Ns", so the text
/// ends at the first NUL byte and at N bytes (no limit by default). For errors that must read as
/// Redis's, byte for byte.
/// </summary>
public static class CString
{
    public static ReadOnlySpan<byte> Of(ReadOnlySpan<byte> argument, int lengthMax = int.MaxValue)
    {
        var end = argument.IndexOf((byte)0);
        return argument[..Math.Min(end >= 0 ? end : argument.Length, lengthMax)];
    }
}
