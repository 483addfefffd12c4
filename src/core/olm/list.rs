//! A fixed-capacity list with libolm's `List` semantics, for the ratchet's chains and keys.

use zeroize::Zeroize;

/// Up to `N` items, newest first: inserting at the front drops the last item when full.
#[derive(Clone)]
pub struct FixedList<T, const N: usize> {
    items: [T; N],
    len: usize,
}

impl<T: Default, const N: usize> Default for FixedList<T, N> {
    fn default() -> Self {
        Self { items: core::array::from_fn(|_| T::default()), len: 0 }
    }
}

impl<T: Zeroize, const N: usize> Zeroize for FixedList<T, N> {
    fn zeroize(&mut self) {
        self.items.iter_mut().for_each(Zeroize::zeroize);
        self.len = 0;
    }
}

impl<T: Default + Zeroize, const N: usize> FixedList<T, N> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items[..self.len].iter()
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.items[..self.len].get(index)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.items[..self.len].get_mut(index)
    }

    /// Puts `item` first, shifting the others back; the last one falls off a full list.
    pub fn insert_front(&mut self, item: T) {
        if self.len < N {
            self.len += 1;
        }
        self.items[..self.len].rotate_right(1);
        self.items[0].zeroize();
        self.items[0] = item;
    }

    /// Appends `item`; in a full list it replaces the last item (libolm's insert at the end,
    /// which is how it reads lists from pickles).
    pub fn push_back(&mut self, item: T) {
        if self.len < N {
            self.len += 1;
        }
        let last = &mut self.items[self.len - 1];
        last.zeroize();
        *last = item;
    }

    /// Removes the item at `index`, closing the gap.
    pub fn remove(&mut self, index: usize) {
        if index < self.len {
            self.items[index].zeroize();
            self.items[index..self.len].rotate_left(1);
            self.len -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libolm_list_semantics() {
        let mut list = FixedList::<u32, 3>::default();
        for i in 1..=4 {
            list.insert_front(i);
        }
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [4, 3, 2]);
        list.remove(1);
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [4, 2]);
        list.push_back(7);
        list.push_back(8);
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [4, 2, 8]);
        list.remove(5);
        assert_eq!(list.len(), 3);
        list.zeroize();
        assert_eq!(list.len(), 0);
    }
}
