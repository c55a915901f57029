using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Node;

/// <summary>
/// Client commands that a core serves itself (<see cref="IRequestCore"/>: leaderless reads and
/// quorum writes). Each command becomes one or more requests; the core answers each on its own,
/// out of order (<see cref="ProposalCompletion.Of"/>); a command's reply is written once all its
/// requests are answered, and a batch is released, replies in command order, once every command
/// has its reply.
/// </summary>
internal sealed class RequestPath(CommandTable commands)
{
    /// <summary>Requests in flight at most; beyond it commands are refused (the core is overloaded), never queued without bound.</summary>
    public const int InFlightMax = 100_000;

    private readonly Dictionary<ProposalId, (PendingCommand Command, int Index)> _inFlight = [];

    public int InFlight => _inFlight.Count;

    public void Submit(ClientWriteBatch batch, IRequestCore core)
    {
        var pending = new PendingBatch(batch);
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var command = new PendingCommand(pending, batch.Protocol);
            pending.Commands.Add(command);
            var respCommand = batch.Commands[i];
            if (!commands.TryGet(respCommand[0], out var spec) || spec.Request is null)
            {
                command.Reply.WriteError($"ERR '{System.Text.Encoding.UTF8.GetString(respCommand[0])}' is not served by this node's replication family");
                continue;
            }
            if (batch.Db != 0)
            {
                // The RESP edge refuses SELECT n first; this keeps any other caller (the simulator,
                // a future command) from having database-0 answers silently stand for another's.
                command.Reply.WriteError("ERR this node's replication family serves database 0 only: SELECT 0");
                continue;
            }
            var plan = spec.Request(respCommand, batch.Quorum, command.Reply);
            if (plan is null)
            {
                continue;
            }
            if (_inFlight.Count + plan.Requests.Count > InFlightMax)
            {
                command.Reply.WriteError($"BUSY the node has {_inFlight.Count} requests in flight; retry later");
                continue;
            }
            command.Start(plan);
            for (var r = 0; r < plan.Requests.Count; r++)
            {
                _inFlight[core.Submit(plan.Requests[r])] = (command, r);
            }
        }
        pending.ReleaseIfDone();
    }

    /// <summary>A core's out-of-order completion: the request's answer, and the command's reply once it is complete.</summary>
    public void Complete(ProposalCompletion completion)
    {
        if (!_inFlight.Remove(completion.Through, out var waiting))
        {
            return;
        }
        var answer = completion.Outcome is Answered answered
            ? new RequestAnswer(answered.Result, null)
            : new RequestAnswer(null, OutcomeText.Error(completion.Outcome));
        waiting.Command.Answer(waiting.Index, answer);
    }

    /// <summary>Every request still waiting ends with <paramref name="outcome"/> (the loop is stopping).</summary>
    public void FailAll(ProposalOutcome outcome)
    {
        foreach (var id in _inFlight.Keys.ToList())
        {
            Complete(ProposalCompletion.Of(id, outcome));
        }
    }

    private sealed class PendingBatch(ClientWriteBatch batch)
    {
        public List<PendingCommand> Commands { get; } = [];

        public void ReleaseIfDone()
        {
            if (Commands.Any(c => !c.Done))
            {
                return;
            }
            foreach (var command in Commands)
            {
                batch.Replies.Write(command.Buffer.WrittenSpan);
            }
            batch.CompleteRequests();
        }
    }

    private sealed class PendingCommand(PendingBatch batch, RespProtocol protocol)
    {
        private RequestPlan? _plan;
        private RequestAnswer[] _answers = [];
        private int _answered;

        public ArrayBufferWriter<byte> Buffer { get; } = new(64);

        public RespWriter Reply => new(Buffer, protocol);

        public bool Done => _plan is null || _answered == _answers.Length;

        public void Start(RequestPlan plan)
        {
            _plan = plan;
            _answers = new RequestAnswer[plan.Requests.Count];
        }

        public void Answer(int index, RequestAnswer answer)
        {
            _answers[index] = answer;
            if (++_answered == _answers.Length)
            {
                _plan!.Render(_answers, Reply);
                batch.ReleaseIfDone();
            }
        }
    }
}
