namespace Chorus.Resp;

/// <summary>The protocol version a connection speaks; HELLO 3 switches to RESP3.</summary>
public enum RespProtocol
{
    Resp2 = 2,
    Resp3 = 3,
}
