// When each account last had a job started by a worker: claiming serves the account that has
// waited longest first, so that one account's burst takes turns with everyone else's jobs.
export interface JobAccountTurnTable {
  account_id: string;
  last_started_at: string;
}
