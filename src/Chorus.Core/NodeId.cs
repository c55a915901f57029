namespace Chorus.Core;

/// <summary>
/// A node's name in the cluster ("n1"). Short, printable, stable across restarts.
/// </summary>
public readonly record struct NodeId
{
    public const int LengthMax = 64;

    public NodeId(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length > LengthMax)
        {
            throw new ArgumentException($"node id is longer than {LengthMax} characters", nameof(value));
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"node id '{value}' may hold only letters, digits, '-', '_' and '.'", nameof(value));
            }
        }
        Value = value;
    }

    public string Value { get; }

    public static bool TryParse(string? value, out NodeId id)
    {
        try
        {
            id = new NodeId(value!);
            return true;
        }
        catch (ArgumentException)
        {
            id = default;
            return false;
        }
    }

    public bool IsEmpty => Value is null;

    public override string ToString() => Value ?? "";
}
