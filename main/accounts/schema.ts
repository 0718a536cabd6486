// libaccounts-glib's database schema, exactly as its ag-manager.c creates it (user_version 1).
export const ACCOUNTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS Accounts (id INTEGER PRIMARY KEY AUTOINCREMENT,name TEXT,provider TEXT,enabled INTEGER);
CREATE TABLE IF NOT EXISTS Services (id INTEGER PRIMARY KEY AUTOINCREMENT,name TEXT NOT NULL UNIQUE,display TEXT NOT NULL,provider TEXT,type TEXT);
CREATE INDEX IF NOT EXISTS idx_service ON Services(name);
CREATE TABLE IF NOT EXISTS Settings (account INTEGER NOT NULL,service INTEGER,key TEXT NOT NULL,type TEXT NOT NULL,value BLOB);
CREATE UNIQUE INDEX IF NOT EXISTS idx_setting ON Settings (account, service, key);
CREATE TRIGGER IF NOT EXISTS tg_delete_account BEFORE DELETE ON Accounts FOR EACH ROW BEGIN DELETE FROM Settings WHERE account = OLD.id; END;
CREATE TABLE IF NOT EXISTS Signatures (account INTEGER NOT NULL,service INTEGER,key TEXT NOT NULL,signature TEXT NOT NULL,token TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS idx_signatures ON Signatures (account, service, key);
PRAGMA user_version = 1;
`;

/** The service id libaccounts uses for account-wide settings. */
export const GLOBAL_SERVICE_ID = 0;
