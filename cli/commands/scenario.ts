import pino from 'pino';
import { chooseEmbedder, chooseModel, OFFLINE_EMBEDDER_LINE, OFFLINE_LINE } from '../choose-model.ts';
import { CliError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openRuntime } from '../open-runtime.ts';
import { loadPack, PACK_NAMES } from '../packs.ts';
import { progressBars } from '../progress.ts';
import { scenarioArgs } from '../scenario-args.ts';

export const scenarioCommand: Command = {
  name: 'scenario',
  summary: `run a scenario pack (${PACK_NAMES.join(', ')}) end to end`,
  help: `Usage: eddy scenario <${PACK_NAMES.join('|')}> [options]

Runs a scenario pack end to end: generates its data, runs its pipeline and
agents, waits until everything is processed, and prints a summary.

Packs:
  voc          voice of customer: reviews scored by an agent, shipping complaints
               mailed to the logistics manager, satisfaction per product and minute
               with suggestions from a second agent
  livestream   live comments joined with viewer profiles, sentiment and topics per
               minute (early results every 2 s), advice for the streamer, and a
               live dashboard (--dashboard)
  ops          an operations agent per job of a local job service: health checks,
               runbooks from memory and MCP, a remediation a person approves, run
               once, verified, and the case filed

Options:
  --events N       records to generate (default: the pack's: voc 2000, livestream 1500,
                   ops 5 incidents)
  --rate R         records per second to feed (default: voc as fast as it goes,
                   livestream 60)
  --seed S         seed of the generator (default: the pack's): the same seed, the same
                   data; another seed runs as a pipeline of its own (<pack>-s<seed>)
  --model SPEC     provider:model, e.g. anthropic:claude-sonnet-4-5, openai:gpt-4o-mini,
                   ollama:qwen2.5 (default EDDY_MODEL; with nothing configured, the
                   offline model, announced)
  --servers        NATS JetStream and PostgreSQL from NATS_URL and DATABASE_URL
                   instead of the embedded default (in-process log, PGlite)
  --json           print the result as JSON on stdout (no progress bars)
  --dashboard      livestream: serve the live dashboard (http://127.0.0.1:<port>/),
                   and keep serving after the run until Ctrl-C
  --port P         the dashboard's port (default 8787; 0 for any free one)
  --approve WHO    ops: who decides remediations: auto (default: a scripted operator
                   that approves all but payments jobs, under a change freeze) or
                   external (people, with eddy approve; needs --servers)
  -h, --help       this help

Environment: EDDY_MODEL and the provider keys (ANTHROPIC_API_KEY, OPENAI_API_KEY,
OPENAI_BASE_URL, OLLAMA_HOST, …), SMTP_URL (voc: send to this server instead of a
local one), OPS_SERVICE_URL (ops: work on this job service instead of starting one),
EDDY_EMBEDDER (ops: the runbooks' embedder), LOG_LEVEL (pino, default error; warn shows each dead letter).

Exit codes: 0 done, 1 failed, 2 bad command line, 69 a server unreachable,
78 configuration missing or wrong, 130 interrupted.`,
  options: {
    events: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    model: { type: 'string' },
    servers: { type: 'boolean' },
    json: { type: 'boolean' },
    dashboard: { type: 'boolean' },
    port: { type: 'string' },
    approve: { type: 'string' },
  },
  async run(parsed, io) {
    const args = scenarioArgs(parsed, PACK_NAMES);
    const pack = await loadPack(args.pack);
    const events = args.events ?? pack.defaultEvents;
    const say = (line: string) => io.stderr.write(`${line}\n`);
    const model = chooseModel(args.model, io.env, pack);
    const embedder = chooseEmbedder(io.env);
    if (model.offline) say(OFFLINE_LINE);
    if (pack.usesMemory === true && embedder.offline) say(OFFLINE_EMBEDDER_LINE);
    const runtime = await openRuntime(args.servers, io.env);
    say(`eddy scenario ${pack.name} (${pack.title}): ${events} records, ${runtime.describe}`);
    // Dead letters are part of every pack's story (the summary counts them): logged from warn with LOG_LEVEL=warn.
    const logger = pino({ level: io.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
    const bars = progressBars(io.stderr, !args.json);
    let summary: object;
    try {
      summary = await pack.run({
        runtime,
        model,
        embedder,
        events,
        rate: args.rate,
        seed: args.seed ?? pack.defaultSeed,
        env: io.env,
        progress: bars.progress,
        logger,
        say,
        signal: io.signal,
        dashboard: args.dashboard,
        approve: args.approve,
      });
    } catch (error) {
      if (io.signal.aborted) throw new CliError('interrupted: committed work is kept', EXIT.interrupted);
      throw error;
    } finally {
      bars.stop();
      await runtime.close();
    }
    if (args.json)
      io.stdout.write(`${JSON.stringify({ pack: pack.name, runtime: runtime.kind, ...summary })}\n`);
    else {
      io.stdout.write(`\n${pack.render(summary)}\n`);
      if (model.offline) io.stdout.write(`\n${OFFLINE_LINE}\n`);
    }
    return EXIT.ok;
  },
};
