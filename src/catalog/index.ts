/** The vendor catalog: one YAML profile per vendor in ./vendors, and their loader. */
export { getVendor, loadCatalog, loadVendorFile, parseVendorProfile } from './load.js'
