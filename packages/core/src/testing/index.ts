export { type DnsRecords, type DnsResolver, zoneResolver } from '../auth/dns-resolver.js'
export { loadDnsZone, parseZoneFile } from '../auth/load-dns-zone.js'
export { type DkimKey, generateDkimKey } from './generate-dkim-key.js'
export { type SignEmailOptions, signEmail } from './sign-email.js'
