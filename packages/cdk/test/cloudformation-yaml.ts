import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/** The short-form intrinsic functions of CloudFormation YAML and their long forms. */
const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  GetAtt: 'Fn::GetAtt',
};

const toJs = (node: YAMLMap | YAMLSeq): unknown => node.toJSON();

/** Custom tags turning `!Ref X`, `!GetAtt A.B`, `!Sub [..]`, … into their JSON long forms. */
export const CLOUDFORMATION_TAGS: Tags = Object.entries(INTRINSICS).flatMap(([short, long]) => [
  {
    tag: `!${short}`,
    resolve: (value: string) => ({
      [long]: short === 'GetAtt' ? [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)] : value,
    }),
  },
  { tag: `!${short}`, collection: 'seq' as const, resolve: (node: YAMLSeq) => ({ [long]: toJs(node) }) },
  { tag: `!${short}`, collection: 'map' as const, resolve: (node: YAMLMap) => ({ [long]: toJs(node) }) },
]) as Tags;

/** Parses CloudFormation (or SAM) YAML into the same JSON a template in JSON would be. */
export function parseCloudFormationYaml<T = Record<string, unknown>>(text: string): T {
  return parse(text, { customTags: CLOUDFORMATION_TAGS, maxAliasCount: -1 }) as T;
}
