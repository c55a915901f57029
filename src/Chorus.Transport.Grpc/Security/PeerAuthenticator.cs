using System.Security.Cryptography.X509Certificates;
using Chorus.Core;
using Grpc.Core;

namespace Chorus.Transport.Grpc.Security;

/// <summary>
/// Who is calling, for every peer call: with mutual TLS, the node named by the client
/// certificate (the name a request claims must be that one); without it (PeerTls no, an
/// explicit choice for trusted networks), the name the request claims. Either way the caller
/// must be a current member of the cluster, or the call is refused before it does anything.
/// </summary>
public sealed class PeerAuthenticator(PeerMembership membership, bool mutualTls)
{
    public bool MutualTls => mutualTls;

    public bool IsMember(NodeId node) => membership.IsMember(node);

    /// <summary>The caller's node id; throws an <see cref="RpcException"/> (Unauthenticated or PermissionDenied) otherwise.</summary>
    public NodeId Authenticate(ServerCallContext context, string claimed)
    {
        var (caller, refusal) = Check(context.GetHttpContext().Connection.ClientCertificate, claimed);
        return caller ?? throw new RpcException(refusal);
    }

    /// <summary>
    /// The same check for a connection that is not a gRPC call (the snapshot stream): the caller,
    /// or null and the status that refuses it.
    /// </summary>
    public (NodeId? Caller, Status Refusal) Check(X509Certificate2? certificate, string claimed)
    {
        NodeId caller;
        if (mutualTls)
        {
            if (PeerTls.IdentityOf(certificate) is not { } named)
            {
                return (null, new Status(StatusCode.Unauthenticated, "peer calls need a client certificate naming a node"));
            }
            caller = named;
            if (claimed != caller.Value)
            {
                return (null, new Status(StatusCode.PermissionDenied, $"the certificate names {caller} but the request claims to come from '{claimed}'"));
            }
        }
        else if (!NodeId.TryParse(claimed, out caller))
        {
            return (null, new Status(StatusCode.InvalidArgument, $"'{claimed}' is not a node id"));
        }
        if (!membership.IsMember(caller))
        {
            return (null, new Status(StatusCode.PermissionDenied, $"{caller} is not a member of this cluster"));
        }
        return (caller, Status.DefaultSuccess);
    }
}
