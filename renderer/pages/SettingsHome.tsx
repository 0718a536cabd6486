import { PageHeader, Section } from '../components/layout';
import type { Navigate } from '../navigation';
import { DeviceSwitcher } from './devices/DeviceSwitcher';

export function SettingsHome({ navigate }: { navigate: Navigate }) {
  return (
    <main>
      <PageHeader title="Settings" />
      <DeviceSwitcher />
      <Section title="System">
        <nav aria-label="System settings" className="menu">
          <button type="button" className="menu-row" onClick={() => navigate({ page: 'backup' })}>
            Backup
          </button>
          <button type="button" className="menu-row" onClick={() => navigate({ page: 'accounts' })}>
            Accounts
          </button>
        </nav>
      </Section>
      <Section title="Developer tools">
        <nav aria-label="Developer tools" className="menu">
          <button type="button" className="menu-row" onClick={() => navigate({ page: 'profiles' })}>
            Sync profiles
          </button>
        </nav>
      </Section>
    </main>
  );
}
