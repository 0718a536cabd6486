// Provider and service description files in libaccounts-glib's XML format (*.provider, *.service).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { decodeValue, isSettingType, type SettingType, type SettingValue } from './gvariant.js';
import { scalarText } from '../scalar.js';

export interface ProviderDescription {
  id: string;
  name: string;
  description: string;
  icon: string;
  domains: string | undefined;
  file: string;
}

export interface TemplateSetting {
  type: SettingType;
  value: SettingValue;
}

export interface ServiceDescription {
  id: string;
  type: string;
  name: string;
  provider: string;
  icon: string;
  /** Template defaults, keyed as libaccounts names them ("auth/method"). */
  template: Map<string, TemplateSetting>;
  file: string;
}

export interface DescriptionProblem {
  file: string;
  message: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'setting' || name === 'group',
  processEntities: false,
});

type XmlNode = Record<string, unknown>;

function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return scalarText((node as XmlNode)['#text']);
  return '';
}

function asNodes(value: unknown): XmlNode[] {
  return Array.isArray(value) ? value.filter((v): v is XmlNode => typeof v === 'object' && v !== null) : [];
}

// libaccounts reads a setting of type "s" as literal text and every other type as GVariant text.
function readTemplate(node: XmlNode | undefined, prefix: string, out: Map<string, TemplateSetting>): void {
  if (!node) return;
  for (const setting of asNodes(node.setting)) {
    const name = scalarText(setting['@_name']);
    const type = scalarText(setting['@_type'], 's');
    if (!name || !isSettingType(type)) continue;
    const raw = text(setting);
    out.set(prefix + name, { type, value: type === 's' ? raw : decodeValue(type, raw) });
  }
  for (const group of asNodes(node.group)) {
    readTemplate(group, `${prefix}${scalarText(group['@_name'])}/`, out);
  }
}

function parseFile(file: string): XmlNode {
  return parser.parse(readFileSync(file, 'utf8')) as XmlNode;
}

export function parseProvider(file: string): ProviderDescription {
  const root = parseFile(file).provider as XmlNode | undefined;
  const id = root ? scalarText(root['@_id']) : '';
  if (!root || !id) throw new Error('not a provider description');
  return {
    id,
    name: text(root.name) || id,
    description: text(root.description),
    icon: text(root.icon),
    domains: text(root.domains) || undefined,
    file,
  };
}

export function parseService(file: string): ServiceDescription {
  const root = parseFile(file).service as XmlNode | undefined;
  const id = root ? scalarText(root['@_id']) : '';
  if (!root || !id) throw new Error('not a service description');
  const template = new Map<string, TemplateSetting>();
  readTemplate(root.template as XmlNode | undefined, '', template);
  return {
    id,
    type: text(root.type),
    name: text(root.name) || id,
    provider: text(root.provider),
    icon: text(root.icon),
    template,
    file,
  };
}

export interface DescriptionDirs {
  providers: string;
  services: string;
}

/** The description files the app and ag-tool read: AG_PROVIDERS / AG_SERVICES, else the shipped ones. */
export function descriptionDirs(assetsDir: string, env: NodeJS.ProcessEnv = process.env): DescriptionDirs {
  return {
    providers: env.AG_PROVIDERS || path.join(assetsDir, 'accounts', 'providers'),
    services: env.AG_SERVICES || path.join(assetsDir, 'accounts', 'services'),
  };
}

/** Every provider and service found; a broken file is reported and skipped, never fatal. */
export class DescriptionCatalog {
  readonly providers = new Map<string, ProviderDescription>();
  readonly services = new Map<string, ServiceDescription>();
  readonly problems: DescriptionProblem[] = [];

  constructor(readonly dirs: DescriptionDirs) {
    this.load(dirs.providers, '.provider', (file) => {
      const p = parseProvider(file);
      this.providers.set(p.id, p);
    });
    this.load(dirs.services, '.service', (file) => {
      const s = parseService(file);
      this.services.set(s.id, s);
    });
  }

  private load(dir: string, ext: string, add: (file: string) => void): void {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => n.endsWith(ext))
        .sort();
    } catch {
      // a missing description folder holds no providers
      return;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        add(file);
      } catch (err) {
        this.problems.push({ file, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  provider(id: string): ProviderDescription | undefined {
    return this.providers.get(id);
  }

  /** The `<provider>-backup` storage service of a provider, per the Sailfish backup-account contract. */
  backupService(providerId: string): ServiceDescription | undefined {
    const service = this.services.get(`${providerId}-backup`);
    return service && service.type === 'storage' ? service : undefined;
  }

  /** Providers that offer a backup service: the ones the backup page can use. */
  backupProviders(): ProviderDescription[] {
    return [...this.providers.values()].filter((p) => this.backupService(p.id));
  }
}
