import { checkIntents, defineRule, intentJson, intentOutcomeJson } from '../src/audit/rule-api.js';

/**
 * The statements of `vpcwhy audit --intents FILE` that do not hold, checked exactly (src/audit/intents.ts):
 * a failed must-allow or must-deny is a high finding with a counterexample packet that trace confirms; one
 * that rules with unresolvable peers could decide either way is a medium finding (never guessed).
 */
export default defineRule({
  meta: {
    id: 'intent',
    title: 'A must-allow or must-deny intent does not hold',
    severity: 'high',
    rationale:
      'An intent is a promise about the network (the web tier answers on 443, the database is closed to the internet); a change that breaks it breaks a service or opens a hole, whatever the individual rules look like.',
    reference: 'ref 4.1, ref 5.1, ref 6.1 (the whole path and its return traffic)',
  },
  check(ctx) {
    const doc = ctx.intents;
    if (doc === undefined) return;
    checkIntents(ctx.index, doc).forEach((o, i) => {
      if (o.status === 'passed') return;
      const { intent: _statement, message: _message, ...evidence } = intentOutcomeJson(o);
      ctx.report({
        severity: o.status === 'failed' ? 'high' : 'medium',
        resource: o.counterexample?.eniId ?? o.intent.toText,
        message: `intent "${o.intent.name}" (${o.intent.kind} from ${o.intent.fromText} to ${o.intent.toText}) ${o.message}`,
        location: { file: doc.file, jsonPath: `intents[${i}]`, line: o.intent.position.line, column: o.intent.position.column },
        details: { intent: intentJson(o.intent), ...evidence },
      });
    });
  },
});
