/**
 * passage's own reviewed list of shared domains: what the maintained data (the email-providers
 * package for consumer mailboxes, the Public Suffix List's private section through tldts for
 * customer subdomains of shared platforms) does not cover. Each entry says why it is here.
 * A domain matches an entry when it equals it or is a subdomain of it.
 */

/** Which kind of shared domain matched: it decides the safer alternative a refusal offers. */
export type SharedList =
  | 'consumer-mailbox'
  | 'shared-sending-platform'
  | 'url-shortener'
  | 'file-sharing'
  | 'shared-hosting'
  | 'microsoft'

/** One reviewed entry. */
export interface SharedDomainEntry {
  domain: string
  list: SharedList
  why: string
}

/** What a refusal offers instead, per list. */
export const INSTEAD: Readonly<Record<SharedList, string>> = {
  'consumer-mailbox':
    "Identify the vendor by its dedicated sending IPs or by its own DKIM or envelope domain; a consumer mailbox domain is never a vendor's identity.",
  'shared-sending-platform':
    'Use the domain the vendor signs with on that platform (its own DKIM d= or custom MAIL FROM domain, or its branded link domain) or its dedicated IPs, not the platform’s domain.',
  'url-shortener':
    "Allow the vendor's own destination domain (where the short link leads), or have the vendor use a branded link domain of its own.",
  'file-sharing':
    "Have the vendor host files on its own domain; for a phishing simulation allow the exact URL through advanced delivery, which neither blocks nor trusts anyone else's files.",
  'shared-hosting':
    'Ask the vendor for a custom domain it owns: a name under a shared platform is one customer among many and can be re-registered by anyone once freed (subdomain takeover).',
  microsoft:
    "Nothing to allow: Microsoft's own domains send for every tenant (an attacker's trial tenant too), and EOP already knows Microsoft's infrastructure.",
}

const consumer = (why: string) => (domain: string) =>
  ({ domain, list: 'consumer-mailbox', why }) as const
const platform = (why: string) => (domain: string) =>
  ({ domain, list: 'shared-sending-platform', why }) as const

/**
 * Consumer mailbox brands: their registrable domain's label under ANY public suffix (hotmail.de,
 * outlook.com.br, msn.co.jp, yahoo.fr, ...) is refused, since each runs country domains the data
 * package only partly lists. Only labels that are the brand itself, not a common word.
 */
export const CONSUMER_BRANDS: readonly string[] = [
  'hotmail',
  'outlook',
  'live',
  'msn',
  'windowslive',
  'passport',
  'yahoo',
  'ymail',
  'rocketmail',
  'gmail',
  'googlemail',
  'icloud',
  'gmx',
  'aol',
  'yandex',
  'proton',
  'protonmail',
  'zoho',
  'zohomail',
  'mail',
  'inbox',
  'rambler',
  'tutanota',
  'tuta',
  'fastmail',
  'hushmail',
  'seznam',
  'libero',
  'laposte',
  'wanadoo',
  't-online',
  'freenet',
  'naver',
  'hanmail',
  'rediffmail',
]

/** passage's reviewed list. */
export const REVIEWED_SHARED_DOMAINS: readonly SharedDomainEntry[] = [
  // Consumer mailboxes under a name the brand labels above do not cover.
  ...['web.de', 'me.com', 'mac.com', 'pm.me', 'bk.ru', 'list.ru', 'ya.ru', 'qq.com', '163.com']
    .map(consumer('a consumer mailbox provider: anyone can open an address there'))
    .concat(
      ['126.com', 'yeah.net', 'comcast.net', 'att.net', 'verizon.net', 'btinternet.com']
        .concat(['free.fr', 'orange.fr', 'sfr.fr', 'mail.com', 'email.com', 'usa.com'])
        .map(consumer('a consumer mailbox provider: anyone can open an address there')),
    ),
  // Microsoft's own: every tenant sends from or through them.
  {
    domain: 'onmicrosoft.com',
    list: 'microsoft',
    why: "every Microsoft 365 tenant's initial domain: an attacker's trial tenant gets one in minutes",
  },
  {
    domain: 'office365.com',
    list: 'microsoft',
    why: 'Microsoft 365 service domain, shared by every tenant',
  },
  {
    domain: 'microsoft.com',
    list: 'microsoft',
    why: "Microsoft's own mail: allowing it lets a spoof of Microsoft's account notices through",
  },
  {
    domain: 'microsoftonline.com',
    list: 'microsoft',
    why: 'Microsoft sign-in service, shared by every tenant',
  },
  {
    domain: 'sharepoint.com',
    list: 'file-sharing',
    why: "every tenant's SharePoint and OneDrive (x.sharepoint.com, x-my.sharepoint.com): the commonest phishing file host",
  },
  {
    domain: '1drv.ms',
    list: 'file-sharing',
    why: "OneDrive share links: anyone's file behind a short link",
  },
  {
    domain: 'forms.office.com',
    list: 'file-sharing',
    why: "Microsoft Forms: anyone's form, a classic credential-harvesting host",
  },
  {
    domain: 'forms.microsoft.com',
    list: 'file-sharing',
    why: "Microsoft Forms: anyone's form, a classic credential-harvesting host",
  },
  { domain: 'sway.office.com', list: 'file-sharing', why: "Microsoft Sway: anyone's page" },
  {
    domain: 'core.windows.net',
    list: 'shared-hosting',
    why: "Azure Storage (blob, web, file): anyone's storage account",
  },
  // Google
  {
    domain: 'google.com',
    list: 'shared-sending-platform',
    why: "Google's own and its users' services (docs, drive, sites, forms, calendar invites): anyone's content",
  },
  {
    domain: 'googlegroups.com',
    list: 'shared-sending-platform',
    why: 'Google Groups relays whatever any member posts, under the group address',
  },
  {
    domain: 'googleusercontent.com',
    list: 'file-sharing',
    why: "Google-hosted user content: anyone's files",
  },
  {
    domain: 'googleapis.com',
    list: 'file-sharing',
    why: "Google Cloud Storage (storage.googleapis.com) and Firebase: anyone's bucket",
  },
  { domain: 'forms.gle', list: 'url-shortener', why: "Google Forms short links: anyone's form" },
  { domain: 'goo.gl', list: 'url-shortener', why: 'Google short links: anyone can make one' },
  { domain: 'g.co', list: 'url-shortener', why: 'Google short links' },
  // Shared sending platforms: their own domains sign, bounce and track for every customer.
  ...['sendgrid.net', 'sendgrid.com'].map(
    platform('SendGrid: bounce, tracking and DKIM domain of every SendGrid customer'),
  ),
  ...['amazonses.com', 'amazonaws.com'].map(
    platform('Amazon SES / AWS: the MAIL FROM and DKIM domain of every SES customer by default'),
  ),
  ...['mailgun.org', 'mailgun.net', 'mailgun.com'].map(
    platform('Mailgun: shared sending domain of every customer'),
  ),
  ...['mailchimp.com', 'mcsv.net', 'mcdlv.net', 'rsgsv.net', 'list-manage.com'].map(
    platform('Mailchimp: sending, bounce and link domains of every Mailchimp customer'),
  ),
  ...['mandrillapp.com', 'mandrill.com'].map(
    platform('Mandrill (Mailchimp Transactional): shared sending domain'),
  ),
  ...['sparkpostmail.com', 'sparkpost.com'].map(
    platform('SparkPost: shared bounce and DKIM domain of every customer'),
  ),
  ...['postmarkapp.com', 'mtasv.net'].map(
    platform('Postmark: shared bounce (pm_bounces) and DKIM domain'),
  ),
  ...['smtp2go.com', 'smtp2go.net', 'smtpcorp.com'].map(
    platform('SMTP2GO: shared sending domain of every customer'),
  ),
  ...['elasticemail.com', 'elasticemail.net'].map(
    platform('Elastic Email: shared sending and tracking domain'),
  ),
  ...['mktomail.com', 'marketo.com', 'mktoweb.com', 'mktdns.com'].map(
    platform('Marketo: shared MAIL FROM and landing-page domains of every customer'),
  ),
  ...['salesforce.com', 'exacttarget.com', 'force.com', 'sfmc-content.com'].map(
    platform("Salesforce / Marketing Cloud: any customer's org sends as it"),
  ),
  ...['zendesk.com', 'zdassets.com'].map(
    platform("Zendesk: every customer's help desk (x.zendesk.com) sends as it"),
  ),
  ...['freshdesk.com', 'freshservice.com', 'freshworks.com', 'freshemail.io'].map(
    platform("Freshworks: every customer's help desk sends as it"),
  ),
  ...['github.com', 'githubusercontent.com'].map(
    platform('GitHub: notifications for any repository and user; raw content hosting for anyone'),
  ),
  ...['linkedin.com', 'lnkd.in'].map(
    platform('LinkedIn: messages and invitations any member can trigger'),
  ),
  ...['facebookmail.com', 'facebook.com', 'fb.com'].map(
    platform('Facebook: notifications any user can trigger'),
  ),
  ...['docusign.net', 'docusign.com'].map(
    platform('DocuSign: envelopes anyone with an account sends to anyone'),
  ),
  ...['substack.com'].map(platform('Substack: newsletters anyone can publish')),
  ...['mailjet.com', 'sendinblue.com', 'brevo.com', 'sender-sib.com'].map(
    platform('Mailjet / Brevo: shared sending domains'),
  ),
  ...['constantcontact.com', 'ccsend.com', 'rs6.net'].map(
    platform('Constant Contact: shared sending and link domains'),
  ),
  ...['hubspot.com', 'hubspotemail.net', 'hs-analytics.net', 'hubspotlinks.com'].map(
    platform('HubSpot: shared sending and tracking domains of every portal'),
  ),
  ...['klaviyo.com', 'klaviyomail.com', 'mailerlite.com', 'convertkit.com', 'createsend.com'].map(
    platform('a marketing email platform: shared sending domain of every customer'),
  ),
  ...['intercom-mail.com', 'helpscout.net', 'atlassian.net', 'servicenow.com'].map(
    platform("a SaaS platform every customer's instance sends as"),
  ),
  // URL shorteners: anyone's destination behind the platform's name.
  ...[
    'bit.ly',
    'bitly.com',
    'tinyurl.com',
    't.co',
    'ow.ly',
    'is.gd',
    'buff.ly',
    'rebrand.ly',
    'cutt.ly',
    'shorturl.at',
    't.ly',
    'tiny.cc',
    'rb.gy',
    'v.gd',
    's.id',
  ].map(
    (domain) =>
      ({
        domain,
        list: 'url-shortener',
        why: 'a public URL shortener: anyone can point a short link at anything',
      }) as const,
  ),
  // File-sharing hosts: anyone's files.
  ...[
    'dropbox.com',
    'dropboxusercontent.com',
    'db.tt',
    'wetransfer.com',
    'we.tl',
    'box.com',
    'mediafire.com',
    'mega.nz',
    'sendspace.com',
    'typeform.com',
    'jotform.com',
    'surveymonkey.com',
    'canva.site',
    'notion.site',
    'ipfs.io',
  ].map(
    (domain) =>
      ({
        domain,
        list: 'file-sharing',
        why: "a public file, form or page host: anyone's content, a common phishing host",
      }) as const,
  ),
  ...['s3.amazonaws.com', 'cloudfront.net', 'azureedge.net', 'blob.core.windows.net'].map(
    (domain) =>
      ({
        domain,
        list: 'shared-hosting',
        why: "cloud storage or CDN: anyone's bucket or distribution",
      }) as const,
  ),
]
