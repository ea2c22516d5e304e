// The LOG_PATTERNS regexes against hand-written log lines, run by Oniguruma: Fluent Bit compiles them
// with Onigmo, a fork of the same engine. They must also stay inside the subset RE2 (LogQL's `|~`)
// reads alike: no look-around, no back-references.
import { readFileSync } from 'node:fs';
import { createOnigScanner, createOnigString, loadWASM } from 'vscode-oniguruma';
import { LOG_PATTERNS, type LogPatternId } from '../../rules/log-patterns';

interface Samples {
  /** Lines the pattern must count. */
  readonly match: readonly string[];
  /** Lines that look alike but must not be counted. */
  readonly noMatch: readonly string[];
}

const SAMPLES: Readonly<Record<LogPatternId, Samples>> = {
  lossNotFinite: {
    match: [
      'step=1200 loss=nan lr=3.0e-04',
      '{"step": 1200, "loss": NaN, "lr": 0.0003}',
      'epoch 3 train_loss=-inf',
      'Loss: inf',
      'val_loss = Infinity',
      "{'aux_loss': 'nan'}",
      'moe_loss=+inf',
    ],
    noMatch: ['step=1200 loss=0.52 lr=3.0e-04', 'loss_scale=inf', 'grad_norm=nan', 'loss=nano', 'lossy=nan', 'loss=information'],
  },
  expertRouting: {
    match: [
      'expert 3 capacity overflow',
      'routing failed',
      'expert 3 capacity overflow, dropping 12 tokens',
      'Expert 5 buffer OVERFLOW',
      'Routing Failed: no expert',
    ],
    noMatch: ['expert 3 load 0.93', 'routing table rebuilt', 'overflow in expert 3'],
  },
  gpuOutOfMemory: {
    match: [
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
      'CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.15 GiB total capacity)',
      'torch.cuda.OutOfMemoryError: CUDA out of memory.',
      'worker 3 killed: OOM',
    ],
    noMatch: [
      'java.lang.OutOfMemoryError: Java heap space',
      'cuda memory allocated 12.3 GiB',
      'ZOOM level 3',
      'room for 12 more episodes',
      'oom_score_adj=0',
    ],
  },
  ncclError: {
    match: [
      'ip-10-0-1-17:412:530 [0] NCCL WARN Net : Connection closed by remote peer',
      'NCCL ERROR unhandled system error',
      'torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled cuda error',
      'ncclSystemError: System call (e.g. socket, malloc) or external library call failed',
      '[Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=41, OpType=ALLREDUCE) ran for 600000 ms',
    ],
    noMatch: [
      'ip-10-0-1-17:412:530 [0] NCCL INFO Bootstrap : Using eth0',
      'NCCL INFO NET/Socket : Using [0]eth0',
      'NCCL version 2.21.5+cuda12.4',
    ],
  },
  bridgeError: {
    match: [
      'py4j.protocol.Py4JNetworkError: An error occurred while trying to connect to the Java server',
      'py4j.protocol.Py4JJavaError: An error occurred while calling o42.step',
      'python bridge timed out after 30s',
      'Bridge error: game engine disconnected',
    ],
    noMatch: ['python bridge connected', 'bridge ready on port 25333', 'Py4J gateway started'],
  },
  checkpointFailure: {
    match: [
      'Failed to save checkpoint step 100: No space left on device',
      'checkpoint save failed: s3 PutObject returned 503',
      'CHECKPOINT LOAD ERROR: file truncated',
      'error while writing checkpoint to /data/ckpt',
    ],
    noMatch: ['Saved checkpoint step 100', 'Loaded checkpoint from /data/ckpt/step-100', 'checkpoint_on_failure=True', 'failover complete'],
  },
  errorLine: {
    match: [
      '2024-05-01 12:00:00,123 ERROR trainer: step crashed',
      'ERROR:root:episode 12 aborted',
      '{"level": "error", "msg": "x"}',
      '{"level":"ERROR"}',
    ],
    noMatch: ['error_count=0', 'ERROR_COUNT=0', 'INFO handled 3 errors', '{"level": "info", "msg": "error handled"}'],
  },
};

beforeAll(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await loadWASM(wasm);
});

/** Whether `regex` finds a match anywhere in `line`, as Fluent Bit's unanchored onig_search does. */
function matches(regex: string, line: string): boolean {
  const scanner = createOnigScanner([regex]);
  const text = createOnigString(line);
  try {
    return scanner.findNextMatchSync(text, 0) !== null;
  } finally {
    text.dispose();
    scanner.dispose();
  }
}

describe('log patterns under Oniguruma', () => {
  it('GIVEN the pattern list THEN every pattern has samples on both sides, so a new pattern needs them too', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(LOG_PATTERNS).sort());
    for (const samples of Object.values(SAMPLES)) {
      expect(samples.match.length).toBeGreaterThan(0);
      expect(samples.noMatch.length).toBeGreaterThan(0);
    }
  });

  describe.each(Object.keys(LOG_PATTERNS) as LogPatternId[])('%s', (id) => {
    const { regex } = LOG_PATTERNS[id];

    it.each(SAMPLES[id].match)('GIVEN the line %j THEN the pattern counts it', (line) => {
      expect(matches(regex, line)).toBe(true);
    });

    it.each(SAMPLES[id].noMatch)('GIVEN the look-alike line %j THEN the pattern does not count it', (line) => {
      expect(matches(regex, line)).toBe(false);
    });
  });

  it('GIVEN a broken regex THEN Oniguruma refuses it, so a pattern that compiles is a real check', () => {
    expect(() => createOnigScanner(['(?i:unclosed'])).toThrow();
  });
});

// Real messages found missing from the first version of the patterns, kept so they stay covered.
describe('real messages of PyTorch and logfmt loggers', () => {
  const lines: Array<[LogPatternId, string]> = [
    ['checkpointFailure', 'torch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([0])'],
    ['lossNotFinite', "step 10 loss=tensor(nan, device='cuda:0', grad_fn=<NllLossBackward0>)"],
    ['gpuOutOfMemory', 'RuntimeError: CUDA error: out of memory'],
    ['errorLine', 'ts=2026-11-23T10:00:00Z level=error msg="dataloader worker died"'],
  ];
  it.each(lines)('GIVEN a %s line %j THEN the pattern counts it', (id, line) => {
    expect(matches(LOG_PATTERNS[id].regex, line)).toBe(true);
  });
  it('GIVEN a checkpoint saved with zero errors THEN it is not counted as a failure', () => {
    expect(matches(LOG_PATTERNS.checkpointFailure.regex, 'checkpoint saved; 0 errors')).toBe(false);
  });
});

/**
 * Constructs of `regex` that RE2 rejects or reads differently: look-ahead/behind, back-references,
 * atomic groups, possessive quantifiers and conditionals. Escaped characters and character classes are skipped.
 */
function nonRe2Constructs(regex: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < regex.length; i++) {
    const rest = regex.slice(i);
    if (rest.startsWith('\\')) {
      if (/^\\(?:[1-9]|k<|k'|g<)/.test(rest)) found.push(`back-reference at ${i}`);
      i++;
    } else if (rest.startsWith('[')) {
      // Skip the class: `]` right after `[` or `[^` is literal; escapes inside are skipped.
      let j = i + 1 + (regex[i + 1] === '^' ? 1 : 0) + 1;
      while (j < regex.length && regex[j] !== ']') j += regex[j] === '\\' ? 2 : 1;
      i = j;
    } else if (/^\(\?(?:=|!|<=|<!|>|\()/.test(rest)) {
      found.push(`look-around, atomic group or conditional at ${i}`);
    } else if (/^[*+?}][+]/.test(rest)) {
      found.push(`possessive quantifier at ${i}`);
    }
  }
  return found;
}

describe('log patterns stay inside the RE2 subset LogQL reads', () => {
  it.each(Object.keys(LOG_PATTERNS) as LogPatternId[])(
    'GIVEN %s THEN it has no look-around, back-reference or other non-RE2 construct',
    (id) => {
      expect(nonRe2Constructs(LOG_PATTERNS[id].regex)).toEqual([]);
    },
  );

  it.each([
    ['a(?=b)', 'look-ahead'],
    ['a(?!b)', 'negative look-ahead'],
    ['(?<=a)b', 'look-behind'],
    ['(?<!a)b', 'negative look-behind'],
    ['(a)\\1', 'numbered back-reference'],
    ['(?<x>a)\\k<x>', 'named back-reference'],
    ['(?>a+)b', 'atomic group'],
    ['a*+b', 'possessive quantifier'],
  ])('GIVEN %j (%s) THEN the check reports it, so it can fail', (regex) => {
    expect(nonRe2Constructs(regex)).not.toEqual([]);
  });

  it.each([['[(?=]x'], ['\\(?=x'], ['[-+]?\\d+'], ['(?i:a)|(?:b)'], ['(?P<name>a)']])(
    'GIVEN %j, whose look-alike characters are escaped or in a class THEN the check passes it',
    (regex) => {
      expect(nonRe2Constructs(regex)).toEqual([]);
    },
  );
});
