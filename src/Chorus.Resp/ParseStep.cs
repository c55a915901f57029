namespace Chorus.Resp;

/// <summary>What parsing one request did.</summary>
internal enum ParseStep
{
    /// <summary>A command was appended to the batch.</summary>
    Command,

    /// <summary>An empty request (<c>*0</c>, <c>*-1</c>, a blank line) was consumed.</summary>
    Empty,

    NeedMoreData,

    Invalid,
}
