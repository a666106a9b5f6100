//! Organisations seeded on every start: the seven members with vote of the
//! intersectoral commission (decree, art. 2.2.11.4.3), the associations of
//! territorial entities that sit as invitees, and examples of APC-Colombia's
//! cooperation partners. Administrators add the rest.

use super::model::OrganisationKind::{self, Association, CooperationAgency, NationalEntity, University};

pub struct SeedOrganisation {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: OrganisationKind,
    pub commission_member: bool,
}

const fn member(code: &'static str, name: &'static str) -> SeedOrganisation {
    SeedOrganisation { code, name, kind: NationalEntity, commission_member: true }
}

const fn other(code: &'static str, name: &'static str, kind: OrganisationKind) -> SeedOrganisation {
    SeedOrganisation { code, name, kind, commission_member: false }
}

pub const SEED: &[SeedOrganisation] = &[
    member("MININTERIOR", "Ministerio del Interior"),
    member("MINHACIENDA", "Ministerio de Hacienda y Crédito Público"),
    member("DNP", "Departamento Nacional de Planeación"),
    member("DAPRE", "Departamento Administrativo de la Presidencia de la República"),
    member("DAFP", "Departamento Administrativo de la Función Pública"),
    member("APC", "Agencia Presidencial de Cooperación Internacional de Colombia (APC-Colombia)"),
    member("ESAP", "Escuela Superior de Administración Pública"),
    other("MINEDUCACION", "Ministerio de Educación Nacional", NationalEntity),
    other("MINSALUD", "Ministerio de Salud y Protección Social", NationalEntity),
    other("MINVIVIENDA", "Ministerio de Vivienda, Ciudad y Territorio", NationalEntity),
    other("DANE", "Departamento Administrativo Nacional de Estadística", NationalEntity),
    other("CGN", "Contaduría General de la Nación", NationalEntity),
    other("SSPD", "Superintendencia de Servicios Públicos Domiciliarios", NationalEntity),
    other("FCM", "Federación Colombiana de Municipios", Association),
    other("FND", "Federación Nacional de Departamentos", Association),
    other("ASOCAPITALES", "Asociación Colombiana de Ciudades Capitales", Association),
    other("GIZ", "Cooperación Alemana (GIZ)", CooperationAgency),
    other("AECID", "Agencia Española de Cooperación Internacional para el Desarrollo", CooperationAgency),
    other("JICA", "Agencia de Cooperación Internacional del Japón", CooperationAgency),
    other("KOICA", "Agencia de Cooperación Internacional de Corea", CooperationAgency),
    other("AFD", "Agencia Francesa de Desarrollo", CooperationAgency),
    other("PNUD", "Programa de las Naciones Unidas para el Desarrollo", CooperationAgency),
    other("UE", "Delegación de la Unión Europea en Colombia", CooperationAgency),
    other("UNAL", "Universidad Nacional de Colombia", University),
];

#[cfg(test)]
mod tests {
    use super::SEED;

    #[test]
    fn the_seven_members_with_vote_are_seeded() {
        let members: Vec<&str> = SEED.iter().filter(|o| o.commission_member).map(|o| o.code).collect();
        assert_eq!(members, ["MININTERIOR", "MINHACIENDA", "DNP", "DAPRE", "DAFP", "APC", "ESAP"]);
        let mut codes: Vec<&str> = SEED.iter().map(|o| o.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), SEED.len(), "codes are unique");
    }
}
