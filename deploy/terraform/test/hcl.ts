import { fileURLToPath } from 'node:url';
import { convertFiles } from '@cdktn/hcl2json';

/** hcl2json output: deep property access is what the tests do, so values stay loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: parsed HCL is checked by the assertions themselves.
export type Json = any;

export const moduleDir = fileURLToPath(new URL('../modules/cognito-sms/', import.meta.url));
export const exampleDir = fileURLToPath(new URL('../examples/new-pool/', import.meta.url));

/** A directory's .tf files as Terraform reads them (HashiCorp's HCL parser compiled to wasm): a syntax error throws. */
export async function loadConfiguration(dir: string): Promise<Json> {
  return convertFiles(dir);
}

/** Every `locals` block of a configuration merged into one object. */
export function localsOf(configuration: Json): Record<string, Json> {
  return Object.assign({}, ...(configuration.locals ?? []));
}

/** The single block `type.name` under `kind` (resource, data, …); throws when it is missing. */
export function blockOf(
  configuration: Json,
  kind: 'resource' | 'data' | 'module' | 'output' | 'variable',
  type: string,
  name?: string,
): Json {
  const byName = name === undefined ? configuration[kind] : configuration[kind]?.[type];
  const found = (name === undefined ? byName?.[type] : byName?.[name])?.[0];
  if (!found) throw new Error(`no ${kind} ${type}${name ? `.${name}` : ''}`);
  return found;
}

/**
 * The truth of each condition the module's expressions branch on, for one scenario. Only
 * these spellings are understood: a new or renamed condition fails the test until it is
 * given here, next to the CDK props of the same scenario.
 */
export type Conditions = Readonly<Record<string, boolean>>;

function truth(condition: string, conditions: Conditions): boolean {
  const value = conditions[condition.trim()];
  if (value === undefined) throw new Error(`the scenario does not know the condition "${condition.trim()}"`);
  return value;
}

/** `${COND ? 1 : 0}` (count) or `${COND ? [1] : []}` (dynamic for_each): present in this scenario? A missing count is present. */
export function isPresent(expression: unknown, conditions: Conditions): boolean {
  if (expression === undefined) return true;
  const match = /^\$\{(.+) \? (1|\[1\]|0|\[\]) : (1|\[1\]|0|\[\])\}$/s.exec(String(expression));
  if (!match) throw new Error(`cannot read the count or for_each ${String(expression)}`);
  const chosen = truth(match[1] as string, conditions) ? match[2] : match[3];
  return chosen === '1' || chosen === '[1]';
}

/** The top-level arguments of `${name(…)}`, comments dropped. */
function callArguments(expression: string, name: string): string[] {
  const inner = new RegExp(`^\\$\\{${name}\\(([\\s\\S]*)\\)\\}$`).exec(expression.trim())?.[1];
  if (inner === undefined) throw new Error(`not a ${name}(…) call: ${expression}`);
  const text = inner
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && '([{'.includes(char)) depth++;
    if (!quoted && ')]}'.includes(char)) depth--;
    if (!quoted && depth === 0 && char === ',') {
      args.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') args.push(current.trim());
  return args;
}

/** `{ A = x, B = y }` (one per line or comma separated) as `{ A: '${x}' }`: values kept as Terraform expressions. */
function objectLiteral(text: string): Record<string, string> {
  const body = /^\{([\s\S]*)\}$/.exec(text.trim())?.[1];
  if (body === undefined) throw new Error(`not an object literal: ${text}`);
  const entries = body
    .split(/,|\n/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^([A-Z][A-Z0-9_]*)\s*=\s*(.+)$/.exec(part);
      if (!match) throw new Error(`cannot read the object entry ${part}`);
      const value = match[2] as string;
      return [match[1] as string, /^".*"$/.test(value) ? value.slice(1, -1) : `\${${value}}`] as const;
    });
  return Object.fromEntries(entries);
}

/**
 * The variables a `merge(var.environment, {…}, COND ? {} : {…}, …)` local gives the function
 * in this scenario, without the user's `var.environment` (or another map it starts from).
 */
export function mergedEnvironment(expression: string, conditions: Conditions, userMaps: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const arg of callArguments(expression, 'merge')) {
    if (userMaps.includes(arg)) continue;
    const conditional = /^([\s\S]+?) \? (\{[\s\S]*?\}) : (\{[\s\S]*\})$/.exec(arg);
    const chosen = conditional ? (truth(conditional[1] as string, conditions) ? conditional[2] : conditional[3]) : arg;
    Object.assign(result, objectLiteral(chosen as string));
  }
  return result;
}

/** An IAM statement in one shape for both sides: lists sorted, single values as lists, no Sid. */
export interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Principal?: Record<string, string[]>;
  Condition?: Record<string, Record<string, string[]>>;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]).sort();

/** A CloudFormation statement with its values already normalized to symbols; its Sid beside it. */
export function cfnStatement(statement: Json): { sid: string | undefined; statement: Statement } {
  const principal = statement.Principal
    ? Object.fromEntries(Object.entries(statement.Principal).map(([type, ids]) => [type, list(ids)]))
    : undefined;
  const condition = statement.Condition
    ? Object.fromEntries(
        Object.entries(statement.Condition as Record<string, Record<string, unknown>>).map(([test, byKey]) => [
          test,
          Object.fromEntries(Object.entries(byKey).map(([key, values]) => [key, list(values)])),
        ]),
      )
    : undefined;
  return {
    sid: statement.Sid,
    statement: {
      Effect: statement.Effect,
      Action: list(statement.Action),
      Resource: list(statement.Resource),
      ...(principal ? { Principal: principal } : {}),
      ...(condition ? { Condition: condition } : {}),
    },
  };
}

/**
 * The statements of an `aws_iam_policy_document` that are present in this scenario, as IAM
 * JSON, each value passed through `value` (which turns Terraform references into symbols).
 */
export function policyDocumentStatements(
  document: Json,
  conditions: Conditions,
  value: (expression: string) => string | string[],
): { sid: string | undefined; statement: Statement }[] {
  const values = (items: unknown): string[] => (typeof items === 'string' ? [value(items)] : (items as string[]).map(value)).flat().sort();
  const plain = (document.statement ?? []) as Json[];
  const dynamic = ((document.dynamic?.statement ?? []) as Json[])
    .filter((block) => isPresent(block.for_each, conditions))
    .map((block) => block.content[0]);
  return [...plain, ...dynamic].map((statement: Json) => {
    const principals = statement.principals as Json[] | undefined;
    const conditionBlocks = statement.condition as Json[] | undefined;
    const condition: Record<string, Record<string, string[]>> = {};
    for (const block of conditionBlocks ?? []) {
      condition[block.test] = { ...condition[block.test], [block.variable]: values(block.values) };
    }
    return {
      sid: statement.sid,
      statement: {
        Effect: statement.effect ?? 'Allow',
        Action: values(statement.actions),
        Resource: values(statement.resources),
        ...(principals ? { Principal: Object.fromEntries(principals.map((p) => [p.type, values(p.identifiers)])) } : {}),
        ...(conditionBlocks ? { Condition: condition } : {}),
      },
    };
  });
}

/** Statements in a stable order, for comparing two policies as sets. */
export const sorted = (statements: readonly Statement[]): Statement[] =>
  [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
